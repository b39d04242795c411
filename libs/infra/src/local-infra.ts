import { provideKafka, type KafkaOptions, type ProvidedKafka } from './kafka.provisioner';
import { provideOpenBao, type ProvidedOpenBao } from './openbao.provisioner';
import { providePostgres, type ProvidedPostgres } from './postgres.provisioner';
import { provideTemporal, type ProvidedTemporal, type TemporalOptions } from './temporal.provisioner';

export interface LocalInfraOptions {
  temporal: Omit<TemporalOptions, 'env' | 'log'>;
  /** `false`: no Kafka (unless KAFKA_BROKERS is set, which is then passed on). */
  kafka: Omit<KafkaOptions, 'env' | 'log'> | false;
  /** An OpenBao dev server for the vault's tests (or the one at VAULT_ADDR); none by default. */
  openbao?: boolean;
  /** A throw-away PostgreSQL server (or the one at DATABASE_URL); none by default. */
  postgres?: boolean;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface LocalInfra {
  temporal: ProvidedTemporal;
  kafka?: ProvidedKafka;
  openbao?: ProvidedOpenBao;
  postgres?: ProvidedPostgres;
  /** The variables that point Mandate's processes (and tests) at what was provided. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Provides Temporal and (optionally) Kafka, OpenBao and PostgreSQL concurrently. If one fails, the other is stopped
 * again so a failed start leaves nothing behind.
 */
export async function provideLocalInfra(options: LocalInfraOptions): Promise<LocalInfra> {
  const env = options.env ?? process.env;
  const log = options.log;
  const wantKafka = options.kafka !== false || Boolean(env.KAFKA_BROKERS);
  const [temporal, kafka, openbao, postgres] = await Promise.allSettled([
    provideTemporal({ ...options.temporal, env, log }),
    wantKafka ? provideKafka({ ...(options.kafka || {}), env, log }) : Promise.resolve(undefined),
    options.openbao ? provideOpenBao({ env, log }) : Promise.resolve(undefined),
    options.postgres ? providePostgres({ env, log }) : Promise.resolve(undefined),
  ]);
  if (
    temporal.status === 'rejected' ||
    kafka.status === 'rejected' ||
    openbao.status === 'rejected' ||
    postgres.status === 'rejected'
  ) {
    await Promise.allSettled([
      temporal.status === 'fulfilled' && temporal.value.stop(),
      kafka.status === 'fulfilled' && kafka.value?.stop(),
      openbao.status === 'fulfilled' && openbao.value?.stop(),
      postgres.status === 'fulfilled' && postgres.value?.stop(),
    ]);
    const errors = [temporal, kafka, openbao, postgres].flatMap((result) =>
      result.status === 'rejected' ? [result.reason] : [],
    );
    throw errors.length === 1
      ? errors[0]
      : new Error(
          errors.map((error) => (error instanceof Error ? error.message : String(error))).join('\n\n'),
        );
  }
  const infraEnv: Record<string, string> = { TEMPORAL_ADDRESS: temporal.value.address };
  if (temporal.value.uiUrl) infraEnv.TEMPORAL_UI_URL = temporal.value.uiUrl;
  if (kafka.value) infraEnv.KAFKA_BROKERS = kafka.value.brokers;
  if (openbao.value) {
    infraEnv.VAULT_ADDR = openbao.value.address;
    infraEnv.VAULT_TOKEN = openbao.value.token;
  }
  if (postgres.value) infraEnv.DATABASE_URL = postgres.value.url;
  return {
    temporal: temporal.value,
    kafka: kafka.value,
    openbao: openbao.value,
    postgres: postgres.value,
    env: infraEnv,
    stop: async () => {
      await Promise.all([
        postgres.value?.stop(),
        openbao.value?.stop(),
        kafka.value?.stop(),
        temporal.value.stop(),
      ]);
    },
  };
}
