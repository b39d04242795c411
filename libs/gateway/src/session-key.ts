import { join } from 'node:path';
import { loadSecretKeyFile } from '@mandate/config';

export interface GatewaySessionKeyOptions {
  /** GATEWAY_SESSION_KEY_PATH; defaults to `<DATA_DIR>/keys/gateway-session.key`. */
  path?: string;
  dataDir: string;
  production: boolean;
  warn?: (message: string) => void;
}

export const defaultGatewaySessionKeyPath = (dataDir: string): string =>
  join(dataDir, 'keys', 'gateway-session.key');

/** The key the API signs sessions with and the gateway checks them with: one file, both processes. */
export const loadGatewaySessionKey = (options: GatewaySessionKeyOptions): Buffer =>
  loadSecretKeyFile({
    path: options.path ?? defaultGatewaySessionKeyPath(options.dataDir),
    purpose: 'gateway session key',
    variable: 'GATEWAY_SESSION_KEY_PATH',
    production: options.production,
    warn: options.warn,
  });
