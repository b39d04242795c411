import { clientTransportProblems, LOOPBACK_HOSTS } from './client-transport.problems';
import { configSchema, type AppConfig } from './config.schema';
import { consoleSignInProblems } from './console-sign-in.problems';
import { deploymentProblems } from './deployment.problems';

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
  const authProblems = authModeProblems(config, env);
  if (authProblems.length > 0) throw new ConfigError(authProblems);
  const deployment = deploymentProblems(config);
  if (deployment.length > 0) throw new ConfigError(deployment);
  const vaultProblems = vaultBackendProblems(config);
  if (vaultProblems.length > 0) throw new ConfigError(vaultProblems);
  const signInProblems = consoleSignInProblems(config);
  if (signInProblems.length > 0) throw new ConfigError(signInProblems);
  const transportProblems = clientTransportProblems(config);
  if (transportProblems.length > 0) throw new ConfigError(transportProblems);
  return config;
}

/**
 * OpenBao needs its address and token. (The embedded vault's key-encryption key is checked when the
 * vault opens: production refuses to start without the file, never generating one.)
 */
function vaultBackendProblems(config: AppConfig): string[] {
  if (config.VAULT_BACKEND === 'embedded') return [];
  const problems: string[] = [];
  if (!config.VAULT_ADDR) problems.push('VAULT_ADDR: required when VAULT_BACKEND=openbao');
  if (!config.VAULT_TOKEN) problems.push('VAULT_TOKEN: required when VAULT_BACKEND=openbao');
  return problems;
}

/**
 * Dev tokens are signed by a key file on the API's own disk: never in production, whether
 * AUTH_MODE says `dev` or is simply unset. In jwks mode nothing defaults silently (issuer and
 * audience are the identity provider's, not ours), and the keys come over TLS; plain http is
 * tolerated for a loopback identity provider outside production (a local one in development).
 */
function authModeProblems(config: AppConfig, env: NodeJS.ProcessEnv): string[] {
  const production = config.NODE_ENV === 'production';
  if (config.AUTH_MODE === 'dev') {
    if (!production) return [];
    return [
      env.AUTH_MODE === undefined
        ? 'AUTH_MODE: required in production (jwks, with AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE)'
        : 'AUTH_MODE: dev tokens are refused in production; use jwks',
    ];
  }
  const problems: string[] = [];
  for (const name of ['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE'] as const) {
    if (!env[name]) problems.push(`${name}: required when AUTH_MODE=jwks`);
  }
  if (config.AUTH_JWKS_URL) {
    const url = new URL(config.AUTH_JWKS_URL);
    const loopback = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname) && !production;
    if (url.protocol !== 'https:' && !loopback) {
      problems.push(
        'AUTH_JWKS_URL: must be an https URL (http only for 127.0.0.1 or localhost outside production)',
      );
    }
  }
  return problems;
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
