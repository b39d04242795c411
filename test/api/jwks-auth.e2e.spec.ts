import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startTsProcess, type TsProcess } from '@mandate/testing';

const ROOT = join(__dirname, '..', '..');
const AUDIENCE = 'https://mandate.test';

interface TestClient {
  clientId: string;
  secret: string;
  scope: string;
  extraClaims?: Record<string, unknown>;
}

const clients: TestClient[] = [
  // The provider lets this client carry a `kind` claim: Mandate must not read it.
  {
    clientId: 'tool-gateway',
    secret: 'tool-gateway-secret-0123456789abcdef',
    scope: 'permissions:check',
    extraClaims: { kind: 'user' },
  },
];

/** A self-signed certificate for 127.0.0.1, standing in for the identity provider's private CA. */
function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'idp-cert.pem');
  const key = join(dir, 'idp-key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

/** The client-credentials grant, as a service runs it: basic auth, a resource indicator, scopes. */
function clientCredentials(
  tokenUrl: string,
  ca: Buffer,
  client: TestClient,
  resource: string,
): Promise<{ status: number; body: { access_token?: string; error?: string } }> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', resource, scope: client.scope });
  return new Promise((resolve, reject) => {
    const call = request(
      tokenUrl,
      {
        method: 'POST',
        ca,
        auth: `${client.clientId}:${client.secret}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    call.on('error', reject);
    call.end(form.toString());
  });
}

/** The API's own entry point, as deployed: production, jwks mode, the provider's CA trusted by Node. */
function startApi(env: NodeJS.ProcessEnv): { child: ChildProcess; url: Promise<string>; output: string[] } {
  const child = spawn(process.execPath, ['-r', './scripts/register.js', 'apps/api/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  const output: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const url = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      const parsed = JSON.parse(line) as { msg?: string; url?: string };
      if (parsed.msg === 'API listening' && parsed.url) resolve(parsed.url.replace('[::1]', '127.0.0.1'));
    });
    child.on('exit', () => reject(new Error(`API exited before listening:\n${output.join('\n')}`)));
  });
  return { child, url, output };
}

describe('jwks mode against a real OpenID provider (oidc-provider), over TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mandate-jwks-'));
  let provider: TsProcess;
  let api: ChildProcess;
  let apiUrl: string;
  let tokenUrl: string;
  let ca: Buffer;

  beforeAll(async () => {
    const { cert, key } = selfSignedCertificate(dir);
    ca = readFileSync(cert);
    provider = startTsProcess(join(__dirname, 'fixtures', 'oidc-provider.process.ts'), [
      cert,
      key,
      JSON.stringify(clients),
    ]);
    const idp = (await provider.waitFor((message) => 'issuer' in (message as object))) as {
      issuer: string;
      jwksUrl: string;
      tokenUrl: string;
    };
    tokenUrl = idp.tokenUrl;
    // Production generates no key: the ones a deployment provides (checkpoints, JIT commands, the
    // vault's key-encryption key, gateway sessions, lease signing keys), each named by its variable.
    const checkpointKey = join(dir, 'checkpoint-signing-key.pem');
    writeFileSync(
      checkpointKey,
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }),
      { mode: 0o600 },
    );
    mkdirSync(join(dir, 'data', 'keys'), { recursive: true, mode: 0o700 });
    for (const key of ['jit-command.key', 'vault-kek.key', 'gateway-session.key']) {
      writeFileSync(join(dir, 'data', 'keys', key), randomBytes(32).toString('base64'), { mode: 0o600 });
    }
    // And the Ed25519 keys that sign mandate-jwt credential leases, beside the vault.
    const leaseKey = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
    mkdirSync(join(dir, 'data', 'vault'), { recursive: true, mode: 0o700 });
    writeFileSync(
      join(dir, 'data', 'vault', 'lease-signing-keys.json'),
      JSON.stringify({ keys: [{ ...leaseKey, kid: 'lease-1', alg: 'EdDSA', use: 'sig' }] }),
      { mode: 0o600 },
    );
    const started = startApi({
      NODE_ENV: 'production',
      NODE_EXTRA_CA_CERTS: cert,
      API_PORT: '0',
      DATA_DIR: join(dir, 'data'),
      CHECKPOINT_SIGNING_KEY_PATH: checkpointKey,
      JIT_COMMAND_KEY_PATH: join(dir, 'data', 'keys', 'jit-command.key'),
      VAULT_KEK_PATH: join(dir, 'data', 'keys', 'vault-kek.key'),
      GATEWAY_SESSION_KEY_PATH: join(dir, 'data', 'keys', 'gateway-session.key'),
      LEASE_SIGNING_KEYS_PATH: join(dir, 'data', 'vault', 'lease-signing-keys.json'),
      LOG_LEVEL: 'info',
      AUTH_MODE: 'jwks',
      AUTH_JWKS_URL: idp.jwksUrl,
      AUTH_ISSUER: idp.issuer,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_JWT_ALGORITHMS: 'ES256',
    });
    api = started.child;
    apiUrl = await started.url;
  }, 60_000);

  afterAll(async () => {
    if (api?.exitCode === null) {
      const stopped = new Promise((resolve) => api.once('close', resolve));
      api.kill('SIGTERM');
      await stopped;
    }
    provider?.child.kill('SIGTERM');
    await provider?.closed;
  }, 30_000);

  const me = (token: string) =>
    fetch(`${apiUrl}/v1/me`, { headers: { authorization: `Bearer ${token}` } }).then(async (response) => ({
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
    }));

  it("given a client-credentials token issued for Mandate's audience, when calling, then the API serves the service it names, a service by the grant whatever a kind claim says", async () => {
    const issued = await clientCredentials(tokenUrl, ca, clients[0], AUDIENCE);

    const response = await me(issued.body.access_token!);

    expect(issued.status).toBe(200);
    expect(response).toMatchObject({
      status: 200,
      body: { id: 'tool-gateway', kind: 'service', scopes: ['permissions:check'] },
    });
  });

  it('given a token the same provider issued for another resource, when calling, then 401 naming the audience', async () => {
    const issued = await clientCredentials(tokenUrl, ca, clients[0], 'https://elsewhere.test');

    const response = await me(issued.body.access_token!);

    expect(issued.status).toBe(200);
    expect([response.status, response.body.code]).toEqual([401, 'invalid-token']);
    expect(response.body.detail).toMatch(/"aud"/);
  });

  it('given a token whose signature was altered, when calling, then 401', async () => {
    const issued = await clientCredentials(tokenUrl, ca, clients[0], AUDIENCE);
    const [header, payload, signature] = issued.body.access_token!.split('.');
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;

    const response = await me(`${header}.${payload}.${flipped}`);

    expect([response.status, response.body.code]).toEqual([401, 'invalid-token']);
  });

  it('given jwks mode, when anyone asks for a development console session, then 403 dev-mode-only and no token', async () => {
    const response = await fetch(`${apiUrl}/v1/dev/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ principalId: 'alice' }),
    });
    const body = (await response.json()) as { code?: string; token?: string };

    expect([response.status, body.code, body.token]).toEqual([403, 'dev-mode-only', undefined]);
  });
});
