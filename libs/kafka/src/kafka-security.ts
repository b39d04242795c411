import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import { type AppConfig, readConfigFile } from '@mandate/config';

export type KafkaSecuritySettings = Pick<
  AppConfig,
  | 'KAFKA_SSL'
  | 'KAFKA_SSL_CA_PATH'
  | 'KAFKA_SSL_CERT_PATH'
  | 'KAFKA_SSL_KEY_PATH'
  | 'KAFKA_SASL_MECHANISM'
  | 'KAFKA_SASL_USERNAME'
  | 'KAFKA_SASL_PASSWORD_PATH'
>;

/** The part of a kafkajs client configuration that says how it reaches and proves itself to brokers. */
export interface KafkaSecurity {
  ssl?: ConnectionOptions | true;
  sasl?: SASLOptions;
}

const built = new WeakMap<KafkaSecuritySettings, KafkaSecurity>();

/**
 * The one place Mandate's Kafka clients (relay, replica, notifier, readiness) get TLS and SASL.
 * The files are read on the first call for a configuration (at start) and kept; an unreadable one
 * stops the start naming its variable. The password comes from a file, never the environment, and
 * lives only in the returned object, which nothing logs.
 */
export function kafkaSecurity(settings: KafkaSecuritySettings): KafkaSecurity {
  const cached = built.get(settings);
  if (cached) return cached;
  const security: KafkaSecurity = {};
  if (settings.KAFKA_SSL) {
    const tls: ConnectionOptions = {};
    if (settings.KAFKA_SSL_CA_PATH) tls.ca = readConfigFile(settings.KAFKA_SSL_CA_PATH, 'KAFKA_SSL_CA_PATH');
    if (settings.KAFKA_SSL_CERT_PATH && settings.KAFKA_SSL_KEY_PATH) {
      tls.cert = readConfigFile(settings.KAFKA_SSL_CERT_PATH, 'KAFKA_SSL_CERT_PATH');
      tls.key = readConfigFile(settings.KAFKA_SSL_KEY_PATH, 'KAFKA_SSL_KEY_PATH');
    }
    security.ssl = Object.keys(tls).length > 0 ? tls : true;
  }
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username } = settings;
  if (mechanism && username && settings.KAFKA_SASL_PASSWORD_PATH) {
    // A file written with `echo` ends with a newline that is no part of the password.
    const password = readConfigFile(settings.KAFKA_SASL_PASSWORD_PATH, 'KAFKA_SASL_PASSWORD_PATH')
      .toString('utf8')
      .replace(/\r?\n$/, '');
    security.sasl = { mechanism, username, password };
  }
  built.set(settings, security);
  return security;
}
