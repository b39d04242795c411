import type { AppConfig } from './config.schema';

export const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The host of a `host:port` address (`[::1]` keeps its brackets, as in LOOPBACK_HOSTS). */
const hostOf = (address: string): string => new URL(`tcp://${address.trim()}`).hostname;

const isLoopback = (address: string): boolean => {
  try {
    return LOOPBACK_HOSTS.has(hostOf(address));
  } catch {
    return false;
  }
};

/**
 * Half-set transport settings are refused rather than guessed at: a certificate without its key,
 * a SASL mechanism without credentials, a CA or an API key while TLS is off (which would otherwise
 * connect in clear without a word). In production, plaintext is refused to anything but loopback,
 * where a TLS sidecar may listen; Temporal and Kafka carry reasons, approvers and the event log.
 */
export function clientTransportProblems(config: AppConfig): string[] {
  return [...temporalProblems(config), ...kafkaProblems(config), ...collectorProblems(config)];
}

/** Spans carry no secrets, but the exporter's headers (OTEL_EXPORTER_OTLP_HEADERS) may. */
function collectorProblems(config: AppConfig): string[] {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (config.NODE_ENV !== 'production' || endpoint === undefined) return [];
  const url = new URL(endpoint);
  if (url.protocol === 'https:' || LOOPBACK_HOSTS.has(url.hostname)) return [];
  return [
    `OTEL_EXPORTER_OTLP_ENDPOINT: plaintext to ${url.hostname} is refused in production; use an https URL (or a loopback collector or sidecar)`,
  ];
}

function temporalProblems(config: AppConfig): string[] {
  const problems = pairProblems(config, 'TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_KEY_PATH');
  if (!config.TEMPORAL_TLS) {
    for (const name of [
      'TEMPORAL_TLS_CA_PATH',
      'TEMPORAL_TLS_CERT_PATH',
      'TEMPORAL_TLS_KEY_PATH',
      'TEMPORAL_TLS_SERVER_NAME',
      'TEMPORAL_API_KEY_PATH',
    ] as const) {
      if (config[name] !== undefined) problems.push(`${name}: needs TEMPORAL_TLS=true`);
    }
    if (config.NODE_ENV === 'production' && !isLoopback(config.TEMPORAL_ADDRESS)) {
      problems.push(plaintextProblem('TEMPORAL_ADDRESS', config.TEMPORAL_ADDRESS, 'TEMPORAL_TLS'));
    }
  }
  return problems;
}

function kafkaProblems(config: AppConfig): string[] {
  const problems = pairProblems(config, 'KAFKA_SSL_CERT_PATH', 'KAFKA_SSL_KEY_PATH');
  if (!config.KAFKA_SSL) {
    for (const name of ['KAFKA_SSL_CA_PATH', 'KAFKA_SSL_CERT_PATH', 'KAFKA_SSL_KEY_PATH'] as const) {
      if (config[name] !== undefined) problems.push(`${name}: needs KAFKA_SSL=true`);
    }
    if (config.NODE_ENV === 'production' && config.KAFKA_BROKERS) {
      const remote = config.KAFKA_BROKERS.split(',').find((broker) => !isLoopback(broker));
      if (remote !== undefined) problems.push(plaintextProblem('KAFKA_BROKERS', remote, 'KAFKA_SSL'));
    }
  }
  if (config.KAFKA_SASL_MECHANISM) {
    if (!config.KAFKA_SASL_USERNAME) problems.push('KAFKA_SASL_USERNAME: required with KAFKA_SASL_MECHANISM');
    if (!config.KAFKA_SASL_PASSWORD_PATH) {
      problems.push('KAFKA_SASL_PASSWORD_PATH: required with KAFKA_SASL_MECHANISM');
    }
  } else if (config.KAFKA_SASL_USERNAME || config.KAFKA_SASL_PASSWORD_PATH) {
    problems.push(
      'KAFKA_SASL_MECHANISM: required with KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD_PATH (plain, scram-sha-256 or scram-sha-512)',
    );
  }
  return problems;
}

function pairProblems(
  config: AppConfig,
  cert: 'TEMPORAL_TLS_CERT_PATH' | 'KAFKA_SSL_CERT_PATH',
  key: 'TEMPORAL_TLS_KEY_PATH' | 'KAFKA_SSL_KEY_PATH',
): string[] {
  if (config[cert] && !config[key])
    return [`${key}: required with ${cert} (a client certificate needs its key)`];
  if (config[key] && !config[cert])
    return [`${cert}: required with ${key} (a key needs its client certificate)`];
  return [];
}

function plaintextProblem(variable: string, address: string, flag: string): string {
  let host = address.trim();
  try {
    host = hostOf(address);
  } catch {
    // Not a host:port at all: name it as written.
  }
  return `${variable}: plaintext to ${host} is refused in production; set ${flag}=true (or reach it through a loopback TLS sidecar)`;
}
