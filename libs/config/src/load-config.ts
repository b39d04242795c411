import { configSchema, type AppConfig } from './config.schema';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates the environment once at start. A bad value fails fast with the variable named,
 * never half-way through serving requests.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  const config = parsed.data;
  if (config.AUTH_MODE === 'jwks' && !config.AUTH_JWKS_URL) {
    throw new ConfigError(['AUTH_JWKS_URL: required when AUTH_MODE=jwks']);
  }
  if (config.EVENT_STORE === 'eventstoredb' && !config.EVENTSTORE_CONNECTION_STRING) {
    throw new ConfigError(['EVENTSTORE_CONNECTION_STRING: required when EVENT_STORE=eventstoredb']);
  }
  return config;
}

/** For process entry points: a bad configuration prints what is wrong and exits with EX_CONFIG (78). */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return process.exit(78);
  }
}
