import { generateKeyPairSync } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { type IdentityApi, startIdentityApi } from '../identity/identity-test-kit';

/**
 * Secrets are write-only: once stored, a recognisable secret of each kind must appear nowhere
 * Mandate speaks (logs at debug, the event log, any response, /metrics, the audit export).
 */
const CANARY = 'CANARY7f3c9e';

const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
  type: 'pkcs8',
  format: 'pem',
}) as string;
// The key's base64 body is what a leak would show; its first line after the header is its marker.
const pemMarker = rsaPem.split('\n')[1];

const credentials: Array<[string, Record<string, unknown>, string]> = [
  [
    'github-app',
    { kind: 'github-app', appId: '4242', installationId: '99', privateKeyPem: rsaPem },
    pemMarker,
  ],
  [
    'oauth2-client',
    {
      kind: 'oauth2-client',
      tokenEndpoint: 'https://idp.example/oauth/token',
      clientId: 'mandate-agent',
      clientSecret: `${CANARY}-oauth`,
      scopes: ['read'],
    },
    `${CANARY}-oauth`,
  ],
  [
    'static',
    {
      kind: 'static',
      secret: `${CANARY}-static`,
      hosts: ['api.example.com'],
      header: 'Authorization: Bearer {secret}',
    },
    `${CANARY}-static`,
  ],
];

describe('secret canary: a stored secret never travels', () => {
  let api: IdentityApi;
  const bodies: string[] = [];
  const record = (response: LightMyRequestResponse) => {
    bodies.push(response.body, JSON.stringify(response.headers));
    return response;
  };

  beforeAll(async () => {
    api = await startIdentityApi({ LOG_LEVEL: 'debug' });
    record(
      await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } }),
    );
    record(
      await api.call('PUT', '/v1/workspaces/acme/agent-identity', {
        as: 'root',
        headers: { 'if-match': '"0"' },
        body: {
          connections: credentials.map(([id]) => ({
            id,
            connector: 'github',
            account: `app:${id}`,
            actions: ['read'],
            resources: ['acme/*'],
          })),
        },
      }),
    );
    for (const [id, body] of credentials) {
      const url = `/v1/workspaces/acme/connections/${id}/credential`;
      expect(record(await api.call('PUT', url, { as: 'root', body })).statusCode).toBe(200);
      // A rotation, a malformed body that still carries the secret, a read.
      record(await api.call('PUT', url, { as: 'root', body }));
      record(await api.call('PUT', url, { as: 'root', body: { ...body, unexpected: true } }));
      record(await api.call('GET', url, { as: 'root' }));
    }
    record(await api.call('GET', '/metrics'));
    for (const format of ['jsonl', 'csv']) {
      const exported = record(
        await api.call('GET', `/v1/workspaces/acme/audit/export?format=${format}`, { as: 'root' }),
      );
      expect(exported.statusCode).toBe(200);
    }
    record(await api.call('GET', '/v1/workspaces/acme/audit/events', { as: 'root' }));
  }, 60_000);

  afterAll(() => api.app.close());

  it.each(credentials)('the %s secret is in no log line, even at debug', (_, __, canary) => {
    expect(api.rawLog().length).toBeGreaterThan(0);
    expect(api.rawLog()).not.toContain(canary);
  });

  it.each(credentials)('the %s secret is in no event of the store', async (_, __, canary) => {
    const events = await api.store.readAll({ fromPosition: 1 });

    expect(events.map((event) => event.type)).toContain('CredentialRotated');
    expect(JSON.stringify(events)).not.toContain(canary);
  });

  it.each(credentials)('the %s secret is in no HTTP response, /metrics or audit export', (_, __, canary) => {
    expect(bodies.join('\n')).not.toContain(canary);
  });
});
