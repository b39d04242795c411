import { EventStoreDbLeadership } from '../eventstoredb/eventstoredb-leadership';
import { openLeadership } from './leadership.factory';
import { InProcessLeadership } from './leadership.port';
import { PostgresLeadership } from './postgres-leadership';

describe('openLeadership (who runs the work that runs once)', () => {
  it('given each store, when opening, then PostgreSQL and EventStoreDB elect a leader and SQLite always leads, connecting to nothing yet', () => {
    expect(
      openLeadership({ EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://127.0.0.1:1/x' }),
    ).toBeInstanceOf(PostgresLeadership);
    const onEventStoreDb = openLeadership({
      EVENT_STORE: 'eventstoredb',
      EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:1?tls=false',
    });
    expect(onEventStoreDb).toBeInstanceOf(EventStoreDbLeadership);
    expect(onEventStoreDb.leads('kafka-relay')).toBe(false);
    expect(openLeadership({ EVENT_STORE: 'sqlite' })).toBeInstanceOf(InProcessLeadership);
  });
});
