import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

const port = z.coerce.number().int().min(0).max(65535);

/**
 * Public-key JWS algorithms only: a symmetric one (HS*) would let anyone holding the shared
 * secret mint tokens, and `none` signs nothing.
 */
export const jwtAlgorithms = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

const algorithmList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(jwtAlgorithms, { message: `must be among ${jwtAlgorithms.join(', ')}` })).min(1));

/**
 * Every setting Mandate reads, from environment variables. The README's configuration table and
 * docker-compose.yml are checked against this schema by tests: add a variable here first.
 */
/**
 * No lease outlives this, whatever LEASE_MAX_TTL_SECONDS was when it was issued (GitHub's tokens
 * live an hour too): what a reader of the past bounds its look back by.
 */
export const LEASE_TTL_CEILING_SECONDS = 3600;

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  API_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
  /**
   * The API's external base URL (scheme and host, no path): the AuthZEN PDP identifier and the
   * links its answers carry. Unset: taken from each request's Host.
   */
  API_PUBLIC_URL: z
    .string()
    .url()
    .refine(
      (url) => /^https?:\/\/[^/?#]+$/.test(url),
      'must be a scheme and host, without path, query or fragment',
    )
    .optional(),

  DATA_DIR: z.string().min(1).default('.mandate/data'),
  EVENT_STORE: z.enum(['sqlite', 'postgres', 'eventstoredb']).default('sqlite'),
  /** Hosts running Mandate's processes on one store: above 1, `loadConfig` refuses node-local files. */
  MANDATE_NODES: z.coerce.number().int().min(1).max(1000).default(1),
  SQLITE_PATH: z.string().min(1).optional(),
  SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
  SQLITE_POLL_INTERVAL_MS: z.coerce.number().int().min(1).max(10_000).default(20),
  EVENTSTORE_CONNECTION_STRING: z.string().min(1).optional(),
  /** Seals an EventStoreDB node keeps in memory (about 470 bytes each); older ones are read when asked for. */
  EVENTSTORE_SEAL_WINDOW: z.coerce.number().int().min(1_000).max(10_000_000).default(10_000),
  DATABASE_URL: z
    .string()
    .url()
    .refine((url) => /^postgres(ql)?:\/\//.test(url), 'must be a postgres:// or postgresql:// URL')
    .optional(),

  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('mandate'),
  TEMPORAL_UI_URL: z.string().url().optional(),
  JIT_COMMAND_KEY_PATH: z.string().min(1).optional(),
  ACCESS_REQUEST_MAX_OPEN: z.coerce.number().int().min(1).max(10_000).default(20),
  ACCESS_REQUEST_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(30),

  KAFKA_BROKERS: z.string().min(1).optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default('mandate'),
  KAFKA_TOPIC_PREFIX: z.string().min(1).default('mandate'),
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(3),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(10).default(1),
  RELAY_ENABLED: bool.default(true),
  RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1000),
  RELAY_MAX_BACKOFF_MS: z.coerce.number().int().min(10).max(60_000).default(2000),
  /** The standalone relay's `/healthz` and `/readyz` (apps/relay); 0 lets the system pick a port. */
  RELAY_HEALTH_HOST: z.string().min(1).default('127.0.0.1'),
  RELAY_HEALTH_PORT: port.default(3129),
  NOTIFY_WEBHOOK_URL: z.string().url().optional(),
  NOTIFY_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),

  /**
   * Transport security of Mandate's own Temporal and Kafka clients. Only paths: the files (keys, the
   * API key, the SASL password) are read when the clients are built, so neither the environment nor
   * a printed configuration holds a secret. Half-set combinations are refused by `loadConfig`.
   */
  TEMPORAL_TLS: bool.default(false),
  TEMPORAL_TLS_CA_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  TEMPORAL_API_KEY_PATH: z.string().min(1).optional(),
  KAFKA_SSL: bool.default(false),
  KAFKA_SSL_CA_PATH: z.string().min(1).optional(),
  KAFKA_SSL_CERT_PATH: z.string().min(1).optional(),
  KAFKA_SSL_KEY_PATH: z.string().min(1).optional(),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD_PATH: z.string().min(1).optional(),

  /** Defaults to `dev` outside production only: `loadConfig` refuses dev tokens in production. */
  AUTH_MODE: z.enum(['dev', 'jwks']).default('dev'),
  /** Defaults serve dev mode only: `loadConfig` requires both to be set in jwks mode. */
  AUTH_ISSUER: z.string().min(1).default('mandate-dev'),
  AUTH_AUDIENCE: z.string().min(1).default('mandate'),
  AUTH_JWKS_URL: z.string().url().optional(),
  AUTH_JWT_ALGORITHMS: algorithmList.default(['RS256', 'PS256', 'ES256', 'EdDSA']),
  AUTH_MAX_TOKEN_LIFETIME_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  AUTH_DEV_KEY_PATH: z.string().min(1).optional(),
  /** The console's public client at the issuer (jwks mode): sign-in by authorization code + PKCE. */
  CONSOLE_OIDC_CLIENT_ID: z.string().min(1).max(200).optional(),
  CONSOLE_OIDC_SCOPES: z.string().min(1).max(500).default('openid'),
  PLATFORM_ADMINS: z.string().default(''),

  CHECKPOINT_SIGNING_KEY_PATH: z.string().min(1).optional(),
  CHECKPOINT_EVERY_EVENTS: z.coerce.number().int().positive().default(1000),

  /** Where the agent's own credentials live: the embedded envelope store, or OpenBao KV v2. */
  VAULT_BACKEND: z.enum(['embedded', 'openbao']).default('embedded'),
  VAULT_SQLITE_PATH: z.string().min(1).optional(),
  /** Generated in dev when absent; the embedded vault refuses to start in production without it. */
  VAULT_KEK_PATH: z.string().min(1).optional(),
  VAULT_ADDR: z.string().url().optional(),
  VAULT_TOKEN: z.string().min(1).optional(),
  VAULT_KV_MOUNT: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('secret'),
  /** A lease ends by this much after it is issued at the latest (earlier with its grant or its token). */
  LEASE_MAX_TTL_SECONDS: z.coerce.number().int().min(60).max(LEASE_TTL_CEILING_SECONDS).default(900),
  /** Mandate's Ed25519 keys for `mandate-jwt` leases; generated in dev, required in production. */
  LEASE_SIGNING_KEYS_PATH: z.string().min(1).optional(),
  /** The `iss` of `mandate-jwt` lease tokens, which verifiers pin. */
  LEASE_JWT_ISSUER: z.string().min(1).max(200).default('mandate'),

  /** The egress gateway (apps/gateway): where it listens and how its sessions are bounded. */
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
  GATEWAY_PORT: port.default(3128),
  /** HMAC key the API signs gateway sessions with and the gateway checks them with; generated in dev. */
  GATEWAY_SESSION_KEY_PATH: z.string().min(1).optional(),
  GATEWAY_SESSION_MAX_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  /** Connections and requests one session may open per second through the gateway. */
  GATEWAY_SESSION_RATE_PER_SECOND: z.coerce.number().int().min(1).max(100_000).default(100),
  /** Where the gateway's connector endpoint calls GitHub's REST API (a GitHub Enterprise Server's, or a stand-in). */
  GATEWAY_GITHUB_API_URL: z.string().url().default('https://api.github.com'),
  /**
   * Non-public addresses (CIDRs or single addresses, comma-separated) an allowed name may resolve to
   * and the gateway still dial. Empty: a name leading to loopback, RFC 1918, link-local… is refused.
   * Parsed by the gateway at start (libs/gateway destination-address.ts), which refuses a bad entry.
   */
  GATEWAY_ALLOW_PRIVATE_DESTINATIONS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    ),

  CHECK_MIN_POSITION_WAIT_MS: z.coerce.number().int().min(0).max(1000).default(1000),
  PROJECTION_SNAPSHOT_EVERY: z.coerce.number().int().positive().default(10_000),
  /** How far back `at` may ask; older timeline entries are dropped from memory and snapshots. */
  AT_RETENTION_DAYS: z.coerce.number().positive().max(36_500).default(90),
  PROJECTION_SOURCE: z.enum(['store', 'kafka']).default('store'),

  METRICS_ENABLED: bool.default(true),
  /** OTLP/HTTP collector base URL (spans go to `<url>/v1/traces`); unset: tracing off, nothing installed. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .string()
    .url()
    .refine((url) => /^https?:\/\//.test(url), 'must be an http(s) URL')
    .optional(),
  /**
   * Headers for every OTLP export (`key=value,…`, values percent-encoded): may hold a collector's
   * credentials, so it is never logged. The JS exporters read it from the environment themselves;
   * it is declared here for the Temporal SDK's exporter, which does not.
   */
  OTEL_EXPORTER_OTLP_HEADERS: z.string().optional(),
});

export type AppConfig = z.infer<typeof configSchema>;
