import type { AppConfig } from './config.schema';
import { storeTransportProblems } from './store-transport.problems';

/**
 * A configuration that cannot work where it is declared to run is refused at start, naming the
 * variable to change, rather than failing later on one node only:
 * - the networked stores need their address, and in production TLS to it;
 * - `MANDATE_NODES` above 1 declares several hosts: node-local files (the SQLite log, the
 *   embedded vault) would give each host a log or a vault of its own;
 * - production never generates a key: each one is mounted, the same file on every node that
 *   shares it (a key generated on one node would not verify on another).
 */
export function deploymentProblems(config: AppConfig): string[] {
  return [...storeProblems(config), ...nodeProblems(config), ...productionKeyProblems(config)];
}

function storeProblems(config: AppConfig): string[] {
  if (config.EVENT_STORE === 'postgres' && !config.DATABASE_URL) {
    return ['DATABASE_URL: required when EVENT_STORE=postgres'];
  }
  if (config.EVENT_STORE === 'eventstoredb' && !config.EVENTSTORE_CONNECTION_STRING) {
    return ['EVENTSTORE_CONNECTION_STRING: required when EVENT_STORE=eventstoredb'];
  }
  return storeTransportProblems(config);
}

function nodeProblems(config: AppConfig): string[] {
  const nodes = config.MANDATE_NODES;
  if (nodes === 1) return [];
  const problems: string[] = [];
  if (config.EVENT_STORE === 'sqlite') {
    problems.push(
      `EVENT_STORE: sqlite is a file on one machine; MANDATE_NODES=${nodes} needs postgres or eventstoredb`,
    );
  }
  if (config.VAULT_BACKEND === 'embedded') {
    problems.push(`VAULT_BACKEND: embedded is a file on one machine; MANDATE_NODES=${nodes} needs openbao`);
  }
  return problems;
}

/** The keys each process loads at start; outside production a missing one is generated with a warning. */
const PRODUCTION_KEYS = [
  'CHECKPOINT_SIGNING_KEY_PATH',
  'JIT_COMMAND_KEY_PATH',
  'GATEWAY_SESSION_KEY_PATH',
  'LEASE_SIGNING_KEYS_PATH',
] as const;

function productionKeyProblems(config: AppConfig): string[] {
  if (config.NODE_ENV !== 'production') return [];
  const required: (keyof AppConfig)[] = [...PRODUCTION_KEYS];
  if (config.VAULT_BACKEND === 'embedded') required.push('VAULT_KEK_PATH');
  return required
    .filter((name) => config[name] === undefined)
    .map((name) => `${name}: required in production (a key is mounted, never generated)`);
}
