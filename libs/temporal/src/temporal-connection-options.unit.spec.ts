import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@mandate/config';
import { temporalConnectError, temporalConnectionOptions } from './temporal-connection-options';

const dir = mkdtempSync(join(tmpdir(), 'mandate-temporal-tls-'));
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const ca = file('ca.crt', '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n');
const crt = file('client.crt', '-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n');
const key = file('client.key', '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n');
const apiKey = file('api.key', 'temporal-api-key-123\n');

describe('temporalConnectionOptions', () => {
  it('given TEMPORAL_TLS off, when building, then only the address: a plain connection, no credentials', () => {
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233' }))).toEqual({
      address: 'temporal:7233',
    });
  });

  it('given TEMPORAL_TLS alone, when building, then TLS against the system CAs', () => {
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_TLS: 'true' }))).toEqual({
      address: '127.0.0.1:7233',
      tls: {},
    });
  });

  it('given mTLS files, a server name and an API key file, when building, then their contents, the name and the trimmed key', () => {
    const options = temporalConnectionOptions(
      loadConfig({
        TEMPORAL_ADDRESS: '10.0.0.5:7233',
        TEMPORAL_TLS: 'true',
        TEMPORAL_TLS_CA_PATH: ca,
        TEMPORAL_TLS_CERT_PATH: crt,
        TEMPORAL_TLS_KEY_PATH: key,
        TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
        TEMPORAL_API_KEY_PATH: apiKey,
      }),
    );

    expect(options.address).toBe('10.0.0.5:7233');
    expect(options.tls?.serverNameOverride).toBe('temporal.internal');
    expect(Buffer.from(options.tls?.serverRootCACertificate ?? []).toString()).toContain('CA');
    expect(Buffer.from(options.tls?.clientCertPair?.crt ?? []).toString()).toContain('CLIENT');
    expect(Buffer.from(options.tls?.clientCertPair?.key ?? []).toString()).toContain('KEY');
    expect(options.apiKey).toBe('temporal-api-key-123');
  });

  it('given the same configuration twice, when building, then the files are read once (a changed file is not re-read)', () => {
    const rotating = file('rotating.key', 'first\n');
    const config = loadConfig({ TEMPORAL_TLS: 'true', TEMPORAL_API_KEY_PATH: rotating });

    const first = temporalConnectionOptions(config);
    writeFileSync(rotating, 'second\n');
    const second = temporalConnectionOptions(config);

    expect(second).toBe(first);
    expect(second.apiKey).toBe('first');
  });

  it('given a key file that cannot be read, when building, then a ConfigError names TEMPORAL_TLS_KEY_PATH', () => {
    const config = loadConfig({
      TEMPORAL_TLS: 'true',
      TEMPORAL_TLS_CERT_PATH: crt,
      TEMPORAL_TLS_KEY_PATH: join(dir, 'missing.key'),
    });

    expect(() => temporalConnectionOptions(config)).toThrow(ConfigError);
    expect(() => temporalConnectionOptions(config)).toThrow(
      /^Invalid configuration:\n {2}- TEMPORAL_TLS_KEY_PATH: cannot read/,
    );
  });
});

describe('temporalConnectError', () => {
  it('given a failed plaintext connect, when described, then it names the address, the transport and the cause', () => {
    const cause = new Error('Failed to connect before the deadline');

    const error = temporalConnectError({ address: 'temporal.internal:7233' }, cause);

    expect(error.message).toBe(
      'Cannot connect to Temporal at temporal.internal:7233 over plaintext (TEMPORAL_TLS=false; does the frontend require TLS?): Failed to connect before the deadline',
    );
    expect(error.cause).toBe(cause);
  });
});
