import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@mandate/config';
import { kafkaClientConfig } from './kafka-client';
import { kafkaSecurity } from './kafka-security';

const dir = mkdtempSync(join(tmpdir(), 'mandate-kafka-security-'));
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const ca = file('ca.crt', 'CA-PEM');
const crt = file('client.crt', 'CLIENT-PEM');
const key = file('client.key', 'KEY-PEM');
const password = file('password', 's3cret pass\n');

describe('kafkaSecurity', () => {
  it('given no TLS and no SASL, when building, then nothing: a plaintext, unauthenticated client', () => {
    expect(kafkaSecurity(loadConfig({}))).toEqual({});
  });

  it('given KAFKA_SSL alone, when building, then TLS against the system CAs', () => {
    expect(kafkaSecurity(loadConfig({ KAFKA_SSL: 'true' }))).toEqual({ ssl: true });
  });

  it('given a CA, a client certificate and its key, when building, then TLS with their contents', () => {
    const security = kafkaSecurity(
      loadConfig({
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_PATH: ca,
        KAFKA_SSL_CERT_PATH: crt,
        KAFKA_SSL_KEY_PATH: key,
      }),
    );

    expect(security.ssl).toEqual({
      ca: Buffer.from('CA-PEM'),
      cert: Buffer.from('CLIENT-PEM'),
      key: Buffer.from('KEY-PEM'),
    });
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'])(
    'given SASL %s with a password file, when building, then that mechanism with the password, its trailing newline dropped',
    (mechanism) => {
      const security = kafkaSecurity(
        loadConfig({
          KAFKA_SASL_MECHANISM: mechanism,
          KAFKA_SASL_USERNAME: 'mandate-relay',
          KAFKA_SASL_PASSWORD_PATH: password,
        }),
      );

      expect(security.sasl).toEqual({ mechanism, username: 'mandate-relay', password: 's3cret pass' });
    },
  );

  it('given a password file that cannot be read, when building, then a ConfigError names KAFKA_SASL_PASSWORD_PATH', () => {
    const config = loadConfig({
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'mandate',
      KAFKA_SASL_PASSWORD_PATH: join(dir, 'missing'),
    });

    expect(() => kafkaSecurity(config)).toThrow(ConfigError);
    expect(() => kafkaSecurity(config)).toThrow(
      /- KAFKA_SASL_PASSWORD_PATH: cannot read .*missing \(ENOENT\)/,
    );
  });

  it('given security settings, when the kafkajs client configuration is built, then it carries them', () => {
    const security = kafkaSecurity(
      loadConfig({
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_PATH: ca,
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'mandate',
        KAFKA_SASL_PASSWORD_PATH: password,
      }),
    );

    const config = kafkaClientConfig({
      brokers: 'kafka-1:9093, kafka-2:9093',
      clientId: 'mandate',
      security,
    });

    expect(config).toMatchObject({
      brokers: ['kafka-1:9093', 'kafka-2:9093'],
      ssl: { ca: Buffer.from('CA-PEM') },
      sasl: { mechanism: 'scram-sha-512', username: 'mandate', password: 's3cret pass' },
    });
  });
});
