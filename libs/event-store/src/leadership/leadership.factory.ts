import type { EventStoreConfig } from '../app-event-store.factory';
import { InProcessLeadership, type Leadership } from './leadership.port';
import { PostgresLeadership } from './postgres-leadership';

/**
 * How the configured store decides which node runs the work that must run once: on PostgreSQL an
 * advisory lock, so every node may enable it and one leads; on SQLite the one host always leads;
 * on EventStoreDB this project has no lock to take, so every node that enables the work runs it
 * and configuration must enable it on one node only (docs/deployment.md).
 */
export function openLeadership(
  config: Pick<EventStoreConfig, 'EVENT_STORE' | 'DATABASE_URL'>,
  onWorkFailed?: (role: string, error: unknown) => void,
): Leadership {
  if (config.EVENT_STORE === 'postgres' && config.DATABASE_URL) {
    return new PostgresLeadership({ connectionString: config.DATABASE_URL, onWorkFailed });
  }
  return new InProcessLeadership(onWorkFailed);
}
