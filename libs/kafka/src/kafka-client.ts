import { Kafka, logLevel, type KafkaConfig, type logCreator } from 'kafkajs';
import type { Logger } from '@mandate/observability';
import type { KafkaSecurity } from './kafka-security';
import './kafka-request-queue.fix';

export interface KafkaClientOptions {
  brokers: string;
  clientId: string;
  logger?: Logger;
  /** How long one connection attempt may take; short, so an outage is noticed quickly. */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** kafkajs's own retries per operation; callers that must never give up loop around them. */
  retries?: number;
  /** TLS and SASL, from `kafkaSecurity(config)`; absent: plaintext, unauthenticated (tests, local brokers). */
  security?: KafkaSecurity;
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * kafkajs logs through pino at warn and above. Its errors during an outage repeat on every retry,
 * so they are logged at warn: the relay reports the outage itself, once per failed batch.
 */
export function pinoLogCreator(logger: Logger): logCreator {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return () =>
    ({ level, log }) => {
      const { message, ...fields } = log;
      const name = LEVELS[level] ?? 'info';
      kafkaLogger[name === 'error' ? 'warn' : name](fields, message);
    };
}

export function createKafka(options: KafkaClientOptions): Kafka {
  return new Kafka(kafkaClientConfig(options));
}

/** Every kafkajs client Mandate creates is configured here, TLS and SASL included. */
export function kafkaClientConfig(options: KafkaClientOptions): KafkaConfig {
  return {
    clientId: options.clientId,
    brokers: options.brokers.split(',').map((broker) => broker.trim()),
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    retry: { retries: options.retries ?? 3, initialRetryTime: 100, maxRetryTime: 1_000 },
    logLevel: options.logger ? logLevel.WARN : logLevel.NOTHING,
    ...(options.logger ? { logCreator: pinoLogCreator(options.logger) } : {}),
    ...options.security,
  };
}
