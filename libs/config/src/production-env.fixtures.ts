import { ConfigError, loadConfig } from './load-config';

/** The problems `loadConfig` names for `env` (none when it loads). */
export const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

/** Production with a valid identity provider and every key mounted: only what a test changes is wrong. */
export const production = {
  NODE_ENV: 'production',
  AUTH_MODE: 'jwks',
  AUTH_JWKS_URL: 'https://idp.example/.well-known/jwks.json',
  AUTH_ISSUER: 'https://idp.example',
  AUTH_AUDIENCE: 'https://mandate.example',
  CHECKPOINT_SIGNING_KEY_PATH: '/run/secrets/checkpoint-signing-key.pem',
  JIT_COMMAND_KEY_PATH: '/run/secrets/jit-command.key',
  GATEWAY_SESSION_KEY_PATH: '/run/secrets/gateway-session.key',
  LEASE_SIGNING_KEYS_PATH: '/run/secrets/lease-signing-keys.json',
  VAULT_KEK_PATH: '/run/secrets/vault-kek.key',
};
