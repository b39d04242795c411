import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfigFile } from './config-file';
import { ConfigError, loadConfig } from './load-config';
import { problemsOf, production } from './production-env.fixtures';

describe('loadConfig: Temporal client transport', () => {
  it('given no transport settings, when loading, then TLS is off and nothing is refused', () => {
    expect(loadConfig({})).toMatchObject({ TEMPORAL_TLS: false, KAFKA_SSL: false });
  });

  it('given a client certificate without its key (or a key without its certificate), when loading, then it refuses naming the missing one', () => {
    expect(problemsOf({ TEMPORAL_TLS: 'true', TEMPORAL_TLS_CERT_PATH: '/certs/client.crt' })).toEqual([
      'TEMPORAL_TLS_KEY_PATH: required with TEMPORAL_TLS_CERT_PATH (a client certificate needs its key)',
    ]);
    expect(problemsOf({ TEMPORAL_TLS: 'true', TEMPORAL_TLS_KEY_PATH: '/certs/client.key' })).toEqual([
      'TEMPORAL_TLS_CERT_PATH: required with TEMPORAL_TLS_KEY_PATH (a key needs its client certificate)',
    ]);
  });

  it('given TLS files or an API key while TEMPORAL_TLS is off, when loading, then it refuses each: nothing is silently sent in clear', () => {
    expect(
      problemsOf({
        TEMPORAL_TLS_CA_PATH: '/certs/ca.crt',
        TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
        TEMPORAL_API_KEY_PATH: '/secrets/temporal.key',
      }),
    ).toEqual([
      'TEMPORAL_TLS_CA_PATH: needs TEMPORAL_TLS=true',
      'TEMPORAL_TLS_SERVER_NAME: needs TEMPORAL_TLS=true',
      'TEMPORAL_API_KEY_PATH: needs TEMPORAL_TLS=true',
    ]);
  });

  it('given complete mTLS settings and an API key, when loading, then they are accepted as paths', () => {
    const config = loadConfig({
      TEMPORAL_TLS: 'true',
      TEMPORAL_TLS_CA_PATH: '/certs/ca.crt',
      TEMPORAL_TLS_CERT_PATH: '/certs/client.crt',
      TEMPORAL_TLS_KEY_PATH: '/certs/client.key',
      TEMPORAL_API_KEY_PATH: '/secrets/temporal.key',
    });

    expect(config).toMatchObject({ TEMPORAL_TLS: true, TEMPORAL_TLS_KEY_PATH: '/certs/client.key' });
  });

  it('given production and plaintext to a non-loopback Temporal, when loading, then it refuses; loopback (a local sidecar) or TLS is accepted', () => {
    expect(problemsOf({ ...production, TEMPORAL_ADDRESS: 'temporal.internal:7233' })).toEqual([
      'TEMPORAL_ADDRESS: plaintext to temporal.internal is refused in production; set TEMPORAL_TLS=true (or reach it through a loopback TLS sidecar)',
    ]);
    expect(
      problemsOf({ ...production, TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_TLS: 'true' }),
    ).toEqual([]);
    for (const address of ['127.0.0.1:7233', 'localhost:7233', '[::1]:7233']) {
      expect(problemsOf({ ...production, TEMPORAL_ADDRESS: address })).toEqual([]);
    }
  });

  it('given development and plaintext to a non-loopback Temporal, when loading, then it is accepted (the compose stack)', () => {
    expect(problemsOf({ TEMPORAL_ADDRESS: 'temporal:7233' })).toEqual([]);
  });
});

describe('loadConfig: Kafka client transport', () => {
  it('given a client certificate without its key, when loading, then it refuses naming the key', () => {
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_PATH: '/certs/client.crt' })).toEqual([
      'KAFKA_SSL_KEY_PATH: required with KAFKA_SSL_CERT_PATH (a client certificate needs its key)',
    ]);
  });

  it('given TLS files while KAFKA_SSL is off, when loading, then it refuses naming them', () => {
    expect(problemsOf({ KAFKA_SSL_CA_PATH: '/certs/ca.crt' })).toEqual([
      'KAFKA_SSL_CA_PATH: needs KAFKA_SSL=true',
    ]);
  });

  it('given a SASL mechanism without username or password file, when loading, then it refuses naming both', () => {
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'scram-sha-512' })).toEqual([
      'KAFKA_SASL_USERNAME: required with KAFKA_SASL_MECHANISM',
      'KAFKA_SASL_PASSWORD_PATH: required with KAFKA_SASL_MECHANISM',
    ]);
  });

  it('given SASL credentials without a mechanism, when loading, then it refuses: they would be ignored', () => {
    expect(
      problemsOf({ KAFKA_SASL_USERNAME: 'mandate', KAFKA_SASL_PASSWORD_PATH: '/secrets/kafka' }),
    ).toEqual([
      'KAFKA_SASL_MECHANISM: required with KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD_PATH (plain, scram-sha-256 or scram-sha-512)',
    ]);
  });

  it('given an unknown SASL mechanism, when loading, then it refuses naming the variable', () => {
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'aws' })).toEqual([
      expect.stringMatching(/^KAFKA_SASL_MECHANISM: /),
    ]);
  });

  it('given production and a non-loopback broker without TLS, when loading, then it refuses naming the broker; TLS or loopback brokers are accepted', () => {
    expect(problemsOf({ ...production, KAFKA_BROKERS: '127.0.0.1:9092, kafka-1.internal:9093' })).toEqual([
      'KAFKA_BROKERS: plaintext to kafka-1.internal is refused in production; set KAFKA_SSL=true (or reach it through a loopback TLS sidecar)',
    ]);
    expect(
      problemsOf({
        ...production,
        KAFKA_BROKERS: 'kafka-1.internal:9093',
        KAFKA_SSL: 'true',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'mandate',
        KAFKA_SASL_PASSWORD_PATH: '/secrets/kafka',
      }),
    ).toEqual([]);
    expect(problemsOf({ ...production, KAFKA_BROKERS: '127.0.0.1:9092,localhost:9093' })).toEqual([]);
  });

  it('given a password file, when the configuration is printed, then it shows the path and never the password', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mandate-config-'));
    const passwordPath = join(dir, 'kafka-password');
    writeFileSync(passwordPath, 'hunter2-kafka\n');

    const printed = JSON.stringify(
      loadConfig({
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_SASL_USERNAME: 'mandate',
        KAFKA_SASL_PASSWORD_PATH: passwordPath,
      }),
    );

    expect(printed).toContain(passwordPath);
    expect(printed).not.toContain('hunter2');
  });
});

describe('readConfigFile', () => {
  it('given a file that cannot be read, when reading it, then a ConfigError names the variable and the path', () => {
    const missing = join(tmpdir(), 'mandate-no-such-file', 'ca.crt');

    expect(() => readConfigFile(missing, 'TEMPORAL_TLS_CA_PATH')).toThrow(ConfigError);
    expect(() => readConfigFile(missing, 'TEMPORAL_TLS_CA_PATH')).toThrow(
      `TEMPORAL_TLS_CA_PATH: cannot read ${missing} (ENOENT)`,
    );
  });

  it('given an empty file, when reading it, then it refuses naming the variable', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mandate-config-')), 'empty');
    writeFileSync(path, '\n');

    expect(() => readConfigFile(path, 'KAFKA_SASL_PASSWORD_PATH')).toThrow(
      `KAFKA_SASL_PASSWORD_PATH: ${path} is empty`,
    );
  });
});

describe('loadConfig: the OpenTelemetry collector', () => {
  it('given production and a plaintext collector on another host, when loading, then it is refused: its headers may carry the collector’s credentials', () => {
    expect(problemsOf({ ...production, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel.internal:4318' })).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT: plaintext to otel.internal is refused in production; use an https URL (or a loopback collector or sidecar)',
    ]);
  });

  it('given production and https, or plaintext to loopback, or development, when loading, then it is accepted', () => {
    expect(problemsOf({ ...production, OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.internal:4318' })).toEqual(
      [],
    );
    expect(problemsOf({ ...production, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toEqual([]);
    expect(problemsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel.internal:4318' })).toEqual([]);
  });

  it('given something other than an http(s) URL, when loading, then it is refused naming the variable', () => {
    expect(problemsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://otel.internal:4317' })).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT: must be an http(s) URL',
    ]);
  });
});
