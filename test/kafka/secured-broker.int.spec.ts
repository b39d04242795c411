import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Kafka } from 'kafkajs';
import { freePort, kafkaRoundTripWith, provideKafka, type ProvidedKafka } from '@mandate/infra';
import { createKafka, kafkaSecurity, type KafkaSecuritySettings } from '@mandate/kafka';
import { createTempDir, createTestCertificateAuthority, type TempDir } from '@mandate/testing';

/**
 * Mandate's Kafka clients (relay, replica, notifier, readiness) get TLS and SASL from one place,
 * `kafkaSecurity`. These tests hold it to a real broker that listens with TLS + SASL only, the
 * way a production cluster does: a client that does not prove itself, or does not verify the
 * broker, gets nowhere.
 */
describe('Kafka clients against a broker that requires TLS and SASL', () => {
  let dir: TempDir;
  let broker: ProvidedKafka;
  let securedBrokers: string;
  const plainPassword = randomBytes(12).toString('hex');
  const scramPassword = randomBytes(12).toString('hex');

  const passwordFile = (name: string, password: string): string => {
    // As an operator writes it with `echo`: the trailing newline is no part of the password.
    writeFileSync(dir.file(name), `${password}\n`, { mode: 0o600 });
    return dir.file(name);
  };

  beforeAll(async () => {
    dir = createTempDir('mandate-kafka-tls-');
    const ca = createTestCertificateAuthority(dir.path);
    const keyStore = dir.file('broker-keystore.pem');
    writeFileSync(keyStore, `${readFileSync(ca.keyPath, 'utf8')}${readFileSync(ca.certPath, 'utf8')}`);
    broker = await provideKafka({
      env: { ...process.env, KAFKA_BROKERS: '' },
      port: await freePort(),
      controllerPort: await freePort(),
      secured: {
        port: await freePort(),
        keyStorePemPath: keyStore,
        plainUsers: { 'mandate-relay': plainPassword },
        scramUsers: { 'mandate-replica': scramPassword },
      },
    });
    securedBrokers = broker.securedBrokers!;
  }, 180_000);

  afterAll(async () => {
    await broker?.stop();
    dir?.remove();
  }, 60_000);

  const settings = (overrides: Partial<KafkaSecuritySettings>): KafkaSecuritySettings => ({
    KAFKA_SSL: true,
    KAFKA_SSL_CA_PATH: dir.file('ca-cert.pem'),
    KAFKA_SSL_CERT_PATH: undefined,
    KAFKA_SSL_KEY_PATH: undefined,
    KAFKA_SASL_MECHANISM: undefined,
    KAFKA_SASL_USERNAME: undefined,
    KAFKA_SASL_PASSWORD_PATH: undefined,
    ...overrides,
  });

  const clientFor = (security: KafkaSecuritySettings): Kafka =>
    createKafka({
      brokers: securedBrokers,
      clientId: `mandate-tls-${randomUUID().slice(0, 8)}`,
      connectionTimeoutMs: 3_000,
      retries: 1,
      security: kafkaSecurity(security),
    });

  const connectAdmin = async (kafka: Kafka): Promise<void> => {
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.listTopics();
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };

  it('given TLS verified against the CA file and SASL PLAIN with the password from a file, when a client produces and consumes, then it reads its message back', async () => {
    // given
    const kafka = clientFor(
      settings({
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_SASL_USERNAME: 'mandate-relay',
        KAFKA_SASL_PASSWORD_PATH: passwordFile('plain-password', plainPassword),
      }),
    );
    // when / then
    await expect(kafkaRoundTripWith(kafka)).resolves.toBe(true);
  }, 90_000);

  it('given SASL SCRAM-SHA-256 over TLS, when a client produces and consumes, then it reads its message back', async () => {
    // given
    const kafka = clientFor(
      settings({
        KAFKA_SASL_MECHANISM: 'scram-sha-256',
        KAFKA_SASL_USERNAME: 'mandate-replica',
        KAFKA_SASL_PASSWORD_PATH: passwordFile('scram-password', scramPassword),
      }),
    );
    // when / then
    await expect(kafkaRoundTripWith(kafka)).resolves.toBe(true);
  }, 90_000);

  it('given a wrong password, when the client connects, then the broker refuses its authentication', async () => {
    // given
    const kafka = clientFor(
      settings({
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_SASL_USERNAME: 'mandate-relay',
        KAFKA_SASL_PASSWORD_PATH: passwordFile('wrong-password', `${plainPassword}x`),
      }),
    );
    // when / then
    await expect(connectAdmin(kafka)).rejects.toThrow(/SASL|authenticat/i);
  }, 60_000);

  it('given TLS without the broker CA (the system CAs only), when the client connects, then it refuses the broker certificate', async () => {
    // given: the same credentials, but the per-run CA is not trusted
    const kafka = clientFor(
      settings({
        KAFKA_SSL_CA_PATH: undefined,
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_SASL_USERNAME: 'mandate-relay',
        KAFKA_SASL_PASSWORD_PATH: passwordFile('plain-password-2', plainPassword),
      }),
    );
    // when / then
    await expect(connectAdmin(kafka)).rejects.toThrow(/certificate|self.signed|issuer|connect/i);
  }, 60_000);

  it('given a plaintext client without SASL, when it connects to the secured listener, then it gets nowhere', async () => {
    // given
    const kafka = createKafka({
      brokers: securedBrokers,
      clientId: 'mandate-plaintext',
      connectionTimeoutMs: 2_000,
      requestTimeoutMs: 5_000,
      retries: 0,
    });
    // when / then
    await expect(connectAdmin(kafka)).rejects.toThrow();
  }, 60_000);
});
