import { postgresLogTables } from './postgres-schema';

describe('postgresLogTables', () => {
  it('given a lower-case schema name, when naming the tables, then they are qualified with it and the channel carries it', () => {
    expect(postgresLogTables('tenant_logs')).toEqual({
      schema: 'tenant_logs',
      events: '"tenant_logs".events',
      head: '"tenant_logs".log_head',
      checkpoints: '"tenant_logs".checkpoints',
      traces: '"tenant_logs".event_traces',
      channel: 'mandate_events_tenant_logs',
    });
  });

  it.each(['Public', 'logs"; DROP TABLE events; --', 'with-dash', '1st', '', 'a'.repeat(49)])(
    'given the schema name %j, when naming the tables, then it is refused rather than spliced into SQL',
    (name) => {
      expect(() => postgresLogTables(name)).toThrow(/schema name/);
    },
  );
});
