import type { AppConfig } from './config.schema';

/**
 * Where a client on this machine reaches the API: a wildcard listen address (`0.0.0.0`, `::`) is
 * not one to connect to, so it becomes the loopback address; IPv6 literals get their brackets.
 */
export function localApiUrl(config: Pick<AppConfig, 'API_HOST' | 'API_PORT'>): string {
  const host = ['0.0.0.0', '::'].includes(config.API_HOST) ? '127.0.0.1' : config.API_HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.API_PORT}`;
}

/** Where a client on this machine reaches the egress gateway (the `HTTPS_PROXY` to give an agent). */
export function localGatewayUrl(config: Pick<AppConfig, 'GATEWAY_HOST' | 'GATEWAY_PORT'>): string {
  return localApiUrl({ API_HOST: config.GATEWAY_HOST, API_PORT: config.GATEWAY_PORT });
}
