import { LOOPBACK_HOSTS } from './client-transport.problems';
import type { AppConfig } from './config.schema';

/** libpq's modes that encrypt (`prefer` may fall back to plaintext, so it does not count). */
const TLS_SSLMODES = new Set(['require', 'verify-ca', 'verify-full']);

/**
 * In production the log travels encrypted, as Temporal's and Kafka's traffic does
 * (client-transport.problems.ts): plaintext is refused to anything but loopback, where a TLS
 * sidecar may listen. The events carry reasons, principals and every permission change.
 */
export function storeTransportProblems(config: AppConfig): string[] {
  if (config.NODE_ENV !== 'production') return [];
  if (config.EVENT_STORE === 'postgres' && config.DATABASE_URL) {
    const url = new URL(config.DATABASE_URL);
    const sslmode = url.searchParams.get('sslmode') ?? '';
    if (!TLS_SSLMODES.has(sslmode) && !LOOPBACK_HOSTS.has(url.hostname)) {
      return [
        `DATABASE_URL: plaintext to ${url.hostname} is refused in production; add sslmode=verify-full (or reach it through a loopback TLS sidecar)`,
      ];
    }
  }
  if (config.EVENT_STORE === 'eventstoredb' && config.EVENTSTORE_CONNECTION_STRING) {
    const { hosts, params } = parseEventStoreDbConnection(config.EVENTSTORE_CONNECTION_STRING);
    const remote = hosts.find((host) => !LOOPBACK_HOSTS.has(host));
    if (params.get('tls') === 'false' && remote !== undefined) {
      return [
        `EVENTSTORE_CONNECTION_STRING: plaintext to ${remote} is refused in production; drop tls=false (TLS is the client's default)`,
      ];
    }
  }
  return [];
}

/** `esdb[+discover]://[user:password@]host:port[,host:port…][/]?options`: several hosts, so not a URL. */
function parseEventStoreDbConnection(connection: string): { hosts: string[]; params: URLSearchParams } {
  const [address, query = ''] = connection.replace(/^[a-z+]+:\/\//i, '').split('?', 2);
  const hosts = address
    .replace(/^[^@]*@/, '')
    .replace(/\/$/, '')
    .split(',')
    .map((hostPort) => hostPort.trim().replace(/:\d+$/, '').toLowerCase());
  const params = new URLSearchParams(query);
  for (const [key, value] of [...params]) params.set(key.toLowerCase(), value.toLowerCase());
  return { hosts, params };
}
