import type { TLSConfig } from '@temporalio/client';
import { readConfigFile } from '@mandate/config';
import type { TemporalSettings } from './temporal-settings';

export type TemporalConnectionSettings = Pick<
  TemporalSettings,
  | 'TEMPORAL_ADDRESS'
  | 'TEMPORAL_TLS'
  | 'TEMPORAL_TLS_CA_PATH'
  | 'TEMPORAL_TLS_CERT_PATH'
  | 'TEMPORAL_TLS_KEY_PATH'
  | 'TEMPORAL_TLS_SERVER_NAME'
  | 'TEMPORAL_API_KEY_PATH'
>;

/** What both the client's `Connection` and the worker's `NativeConnection` take. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
}

const built = new WeakMap<TemporalConnectionSettings, TemporalConnectionOptions>();

/**
 * The one place the API's and the worker's Temporal connections get their address and credentials.
 * The files are read on the first call for a configuration (at start) and kept: a reconnect does
 * not read them again, and an unreadable file stops the start naming its variable. TLS stays off
 * unless TEMPORAL_TLS says so; `loadConfig` has refused CA, certificate or API key files without it.
 */
export function temporalConnectionOptions(settings: TemporalConnectionSettings): TemporalConnectionOptions {
  const cached = built.get(settings);
  if (cached) return cached;
  const options: TemporalConnectionOptions = { address: settings.TEMPORAL_ADDRESS };
  if (settings.TEMPORAL_TLS) {
    const tls: TLSConfig = {};
    if (settings.TEMPORAL_TLS_SERVER_NAME) tls.serverNameOverride = settings.TEMPORAL_TLS_SERVER_NAME;
    if (settings.TEMPORAL_TLS_CA_PATH) {
      tls.serverRootCACertificate = readConfigFile(settings.TEMPORAL_TLS_CA_PATH, 'TEMPORAL_TLS_CA_PATH');
    }
    if (settings.TEMPORAL_TLS_CERT_PATH && settings.TEMPORAL_TLS_KEY_PATH) {
      tls.clientCertPair = {
        crt: readConfigFile(settings.TEMPORAL_TLS_CERT_PATH, 'TEMPORAL_TLS_CERT_PATH'),
        key: readConfigFile(settings.TEMPORAL_TLS_KEY_PATH, 'TEMPORAL_TLS_KEY_PATH'),
      };
    }
    options.tls = tls;
    if (settings.TEMPORAL_API_KEY_PATH) {
      options.apiKey = readConfigFile(settings.TEMPORAL_API_KEY_PATH, 'TEMPORAL_API_KEY_PATH')
        .toString('utf8')
        .trim();
    }
  }
  built.set(settings, options);
  return options;
}

/**
 * A failed connect names the address and the transport it tried: a TLS client against a plaintext
 * frontend (or the reverse) otherwise reads as a bare deadline or a transport error from the SDK.
 */
export function temporalConnectError(options: TemporalConnectionOptions, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  const transport = options.tls
    ? 'TLS (TEMPORAL_TLS=true; does the frontend serve TLS, with a certificate for that name?)'
    : 'plaintext (TEMPORAL_TLS=false; does the frontend require TLS?)';
  return new Error(`Cannot connect to Temporal at ${options.address} over ${transport}: ${reason}`, {
    cause: error,
  });
}
