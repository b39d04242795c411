import { ConfigError, loadConfig } from './load-config';

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

const jwks = {
  AUTH_MODE: 'jwks',
  AUTH_JWKS_URL: 'https://idp.example/.well-known/jwks.json',
  AUTH_ISSUER: 'https://idp.example',
  AUTH_AUDIENCE: 'https://mandate.example',
};

/** The keys production requires (deployment.unit.spec.ts), so that only authentication is in question. */
const productionKeys = {
  CHECKPOINT_SIGNING_KEY_PATH: '/run/secrets/checkpoint-signing-key.pem',
  JIT_COMMAND_KEY_PATH: '/run/secrets/jit-command.key',
  GATEWAY_SESSION_KEY_PATH: '/run/secrets/gateway-session.key',
  LEASE_SIGNING_KEYS_PATH: '/run/secrets/lease-signing-keys.json',
  VAULT_KEK_PATH: '/run/secrets/vault-kek.key',
};

describe('loadConfig: authentication', () => {
  it('given production without AUTH_MODE, when loading, then it refuses naming AUTH_MODE', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([expect.stringMatching(/^AUTH_MODE: /)]);
  });

  it('given production with AUTH_MODE=dev, when loading, then it refuses: dev tokens never run in production', () => {
    expect(problemsOf({ NODE_ENV: 'production', AUTH_MODE: 'dev' })).toEqual([
      expect.stringMatching(/^AUTH_MODE: .*production/),
    ]);
  });

  it('given development without AUTH_MODE, when loading, then dev mode with its local issuer and audience', () => {
    const config = loadConfig({});

    expect([config.AUTH_MODE, config.AUTH_ISSUER, config.AUTH_AUDIENCE]).toEqual([
      'dev',
      'mandate-dev',
      'mandate',
    ]);
  });

  it('given jwks mode without issuer and audience, when loading, then it refuses naming both (no silent defaults)', () => {
    const { AUTH_ISSUER: _issuer, AUTH_AUDIENCE: _audience, ...withoutThem } = jwks;

    expect(problemsOf(withoutThem)).toEqual([
      expect.stringMatching(/^AUTH_ISSUER: required/),
      expect.stringMatching(/^AUTH_AUDIENCE: required/),
    ]);
  });

  it('given jwks mode with an http JWKS URL, when loading, then it refuses unless the host is loopback outside production', () => {
    expect(problemsOf({ ...jwks, AUTH_JWKS_URL: 'http://idp.example/jwks' })).toEqual([
      expect.stringMatching(/^AUTH_JWKS_URL: .*https/),
    ]);
    expect(problemsOf({ ...jwks, AUTH_JWKS_URL: 'http://127.0.0.1:8080/jwks' })).toEqual([]);
    expect(problemsOf({ ...jwks, AUTH_JWKS_URL: 'http://localhost:8080/jwks' })).toEqual([]);
    expect(
      problemsOf({ ...jwks, NODE_ENV: 'production', AUTH_JWKS_URL: 'http://127.0.0.1:8080/jwks' }),
    ).toEqual([expect.stringMatching(/^AUTH_JWKS_URL: .*https/)]);
    expect(problemsOf({ ...jwks, ...productionKeys, NODE_ENV: 'production' })).toEqual([]);
  });

  it('given symmetric or unsigned algorithms, when loading, then it refuses them: only public-key signatures are pinned', () => {
    expect(problemsOf({ ...jwks, AUTH_JWT_ALGORITHMS: 'RS256,HS256' })).toEqual([
      expect.stringMatching(/^AUTH_JWT_ALGORITHMS/),
    ]);
    expect(problemsOf({ ...jwks, AUTH_JWT_ALGORITHMS: 'none' })).toEqual([
      expect.stringMatching(/^AUTH_JWT_ALGORITHMS/),
    ]);
    expect(loadConfig({ ...jwks, AUTH_JWT_ALGORITHMS: 'ES256, EdDSA' }).AUTH_JWT_ALGORITHMS).toEqual([
      'ES256',
      'EdDSA',
    ]);
  });

  it('given a token lifetime cap beyond a day, when loading, then it refuses naming the variable', () => {
    expect(problemsOf({ AUTH_MAX_TOKEN_LIFETIME_SECONDS: '604800' })).toEqual([
      expect.stringMatching(/^AUTH_MAX_TOKEN_LIFETIME_SECONDS/),
    ]);
  });
});

describe('loadConfig: credential vault', () => {
  it('given no vault settings, when loading, then the embedded vault with the KV mount default', () => {
    expect(loadConfig({})).toMatchObject({ VAULT_BACKEND: 'embedded', VAULT_KV_MOUNT: 'secret' });
  });

  it('given the OpenBao backend without address and token, when loading, then it refuses naming both', () => {
    expect(problemsOf({ VAULT_BACKEND: 'openbao' })).toEqual([
      expect.stringMatching(/^VAULT_ADDR: required/),
      expect.stringMatching(/^VAULT_TOKEN: required/),
    ]);
    expect(
      problemsOf({ VAULT_BACKEND: 'openbao', VAULT_ADDR: 'https://bao.internal:8200', VAULT_TOKEN: 't' }),
    ).toEqual([]);
  });
});
