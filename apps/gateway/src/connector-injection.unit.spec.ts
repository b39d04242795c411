import { UpstreamLeaseRefused } from '@mandate/credentials';
import type { GatewaySession } from '@mandate/gateway';
import { injectionFor, type InjectionSources } from './connector-injection';
import type { LeaseCall } from './connector-lease-cache';
import type { VaultCredential } from './static-credential-cache';

const session: GatewaySession = {
  sessionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  workspaceId: 'acme',
  channelId: 'eng',
  invokedBy: 'rita',
  runId: 'run-1',
  openedBy: 'agent-runtime',
  expiresAtMs: Date.parse('2026-12-01T04:00:00.000Z'),
};
const call: Omit<LeaseCall, 'credentialKind'> & { upstream: URL } = {
  session,
  connection: { id: 'github-main', connector: 'github' },
  action: 'read',
  resource: 'acme/infra',
  decision: { allowed: true, reason: 'baseline', provenance: { layer: 'baseline', rule: 'r' } },
  upstream: new URL('https://127.0.0.1:8443'),
};

function given(
  credential: VaultCredential | undefined,
  lease: () => Promise<{ leaseId: string; token: string }>,
) {
  const asked: LeaseCall[] = [];
  const sources: InjectionSources = {
    credentials: { get: async () => credential },
    leases: {
      lease: async (leaseCall) => {
        asked.push(leaseCall);
        return { ...(await lease()), expiresAtMs: Date.now() + 60_000 };
      },
    },
  };
  return { sources, asked };
}
const minted = async () => ({ leaseId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c', token: 'ghs_canary' });

describe('connector injection', () => {
  it('given a GitHub App minting at the upstream, then a lease for the call is taken and its token injected', async () => {
    const { sources, asked } = given(
      { kind: 'github-app', baseUrl: 'https://127.0.0.1:8443' } as VaultCredential,
      minted,
    );

    const injection = await injectionFor(sources, call);

    expect(injection).toEqual({
      ok: true,
      header: ['authorization', 'Bearer ghs_canary'],
      secret: 'ghs_canary',
      leaseId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c',
    });
    expect(asked).toEqual([
      expect.objectContaining({ credentialKind: 'github-app', action: 'read', resource: 'acme/infra' }),
    ]);
  });

  it('given an organization’s connection, then its credential is read under the organization, never the workspace’s key, and the lease names the organization', async () => {
    const refs: unknown[] = [];
    const { sources, asked } = given(
      { kind: 'github-app', baseUrl: 'https://127.0.0.1:8443' } as VaultCredential,
      minted,
    );
    const credentials = {
      get: async (ref: unknown) => {
        refs.push(ref);
        return sources.credentials.get(ref as never);
      },
    };
    const connection = {
      id: 'gh-org',
      connector: 'github',
      bundleId: 'org-tools',
      organizationId: 'holding',
    };

    const injection = await injectionFor({ ...sources, credentials }, { ...call, connection });

    expect(injection).toMatchObject({ ok: true, secret: 'ghs_canary' });
    expect(refs).toEqual([{ workspaceId: 'organization:holding', connectionId: 'gh-org' }]);
    expect(asked).toEqual([expect.objectContaining({ connection })]);
  });

  it('given a GitHub App of another GitHub, then nothing is minted and the call is refused', async () => {
    const { sources, asked } = given(
      { kind: 'github-app', baseUrl: 'https://api.github.com' } as VaultCredential,
      minted,
    );

    expect(await injectionFor(sources, call)).toMatchObject({
      ok: false,
      status: 502,
      code: 'credential-not-bound-to-host',
    });
    expect(asked).toHaveLength(0);
  });

  it('given an OAuth client whose audiences do not name the upstream, then nothing is minted', async () => {
    const { sources, asked } = given(
      { kind: 'oauth2-client', audiences: ['https://tracker.example'] } as VaultCredential,
      minted,
    );

    expect(await injectionFor(sources, call)).toMatchObject({
      ok: false,
      code: 'credential-not-bound-to-host',
    });
    expect(asked).toHaveLength(0);
  });

  it('given a static secret, then it is injected into its bound header with no lease', async () => {
    const { sources, asked } = given(
      { kind: 'static', secret: 's3cret', hosts: ['127.0.0.1'], header: 'X-Api-Key: {secret}' },
      minted,
    );

    expect(await injectionFor(sources, call)).toEqual({
      ok: true,
      header: ['x-api-key', 's3cret'],
      secret: 's3cret',
    });
    expect(asked).toHaveLength(0);
  });

  it('given no credential or a mandate-jwt connection, then the call is refused as credential-unavailable', async () => {
    expect(await injectionFor(given(undefined, minted).sources, call)).toMatchObject({
      code: 'credential-unavailable',
    });
    expect(await injectionFor(given({ kind: 'mandate-jwt' }, minted).sources, call)).toMatchObject({
      code: 'credential-unavailable',
    });
  });

  it.each([
    ['upstream-lease-unavailable', 503, 'lease-unavailable'],
    ['lease-outside-narrowing', 403, 'lease-outside-narrowing'],
    ['upstream-lease-refused', 502, 'lease-refused'],
  ] as const)(
    'given the lease path refuses with %s, then the agent gets %i %s',
    async (refusal, status, code) => {
      const { sources } = given(
        { kind: 'github-app', baseUrl: 'https://127.0.0.1:8443' } as VaultCredential,
        () => Promise.reject(new UpstreamLeaseRefused(refusal, 'no')),
      );

      expect(await injectionFor(sources, call)).toMatchObject({ ok: false, status, code });
    },
  );
});
