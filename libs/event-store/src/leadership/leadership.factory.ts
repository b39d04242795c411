import type { Logger } from '@mandate/observability';
import type { EventStoreConfig } from '../app-event-store.factory';
import { openEventStoreDbLeadership } from '../eventstoredb';
import { InProcessLeadership, type Leadership } from './leadership.port';
import { PostgresLeadership } from './postgres-leadership';

/**
 * How the configured store decides which node runs the work that must run once, so that every
 * node may enable it and one leads: on PostgreSQL an advisory lock held by a session; on
 * EventStoreDB a lease in a stream per role, taken and renewed with the server's expected-revision
 * check and fenced by time (eventstoredb-leadership.ts); on SQLite the one host always leads.
 * docs/deployment.md compares them.
 */
export function openLeadership(
  config: Pick<EventStoreConfig, 'EVENT_STORE' | 'DATABASE_URL' | 'EVENTSTORE_CONNECTION_STRING'>,
  onWorkFailed?: (role: string, error: unknown) => void,
  /** A node that cannot campaign (the store unreachable, or refusing its lock or lease) is told once per run of failures. */
  onCampaignFailed?: (role: string, error: unknown) => void,
): Leadership {
  if (config.EVENT_STORE === 'postgres' && config.DATABASE_URL) {
    return new PostgresLeadership({ connectionString: config.DATABASE_URL, onWorkFailed, onCampaignFailed });
  }
  if (config.EVENT_STORE === 'eventstoredb' && config.EVENTSTORE_CONNECTION_STRING) {
    return openEventStoreDbLeadership({
      connectionString: config.EVENTSTORE_CONNECTION_STRING,
      onWorkFailed,
      onCampaignFailed,
    });
  }
  return new InProcessLeadership(onWorkFailed);
}

/**
 * The configured store's leadership, its two kinds of failure logged: work the leader ran that
 * failed (`error`, then it campaigns again) and a node that cannot campaign (`warn`, once per run
 * of failures). What the API and the relay process both use.
 */
export function openLoggedLeadership(
  config: Pick<EventStoreConfig, 'EVENT_STORE' | 'DATABASE_URL' | 'EVENTSTORE_CONNECTION_STRING'>,
  logger: Pick<Logger, 'error' | 'warn'>,
): Leadership {
  return openLeadership(
    config,
    (role, error) => logger.error({ err: error, role }, 'work run by the leader failed; campaigning again'),
    (role, error) =>
      logger.warn(
        { err: error, role },
        'cannot campaign for the role (store unreachable or refusing); retrying',
      ),
  );
}
