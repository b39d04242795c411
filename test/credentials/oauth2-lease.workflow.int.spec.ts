import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { request } from 'undici';
import { credentialLeaseStreamId } from '@mandate/domain';
import { startTsProcess, type TsProcess } from '@mandate/testing';
import { credentialLeaseWorkflow, credentialLeaseWorkflowId } from '@mandate/workflows';
import { CONNECTION, type LeaseKit, startLeaseKit } from './lease-test-kit';

const CLIENT = { clientId: 'mandate-agent', secret: 'oauth-lease-client-secret-0123456789' };
const AUDIENCE = 'https://tracker.example/api';

describe('CredentialLeaseWorkflow for an OAuth client, against a real OAuth server (oidc-provider)', () => {
  let kit: LeaseKit;
  let provider: TsProcess;
  let idp: { tokenUrl: string; revocationUrl: string; introspectionUrl: string };

  const introspect = async (token: string) => {
    const response = await request(idp.introspectionUrl, {
      method: 'POST',
      dispatcher: kit.trusting,
      headers: {
        authorization: `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token }).toString(),
    });
    return (await response.body.json()) as { active: boolean; aud?: string; scope?: string };
  };

  beforeAll(async () => {
    kit = await startLeaseKit();
    provider = startTsProcess(join(__dirname, '..', 'api', 'fixtures', 'oidc-provider.process.ts'), [
      kit.ca.certPath,
      kit.ca.keyPath,
      JSON.stringify([
        { ...CLIENT, scope: 'tracker.read tracker.write tracker.admin', tokenFormat: 'opaque' },
      ]),
    ]);
    idp = (await provider.waitFor((message) => 'issuer' in (message as object))) as typeof idp;
    // given a connector of the workspace's own whose actions map to OAuth scopes
    await kit.log.workspace('acme', 'root', {
      type: 'RegisterConnector',
      connector: {
        id: 'tracker',
        displayName: 'Tracker',
        actions: ['read', 'write'],
        implies: { write: ['read'] },
        resource: { description: 'project/item', example: 'ops/1', segment: '^[a-z0-9-]+$' },
        leaseScopes: { read: ['tracker.read'], write: ['tracker.read', 'tracker.write'] },
      },
    });
    await kit.log.baseline('acme', 'bob', {
      connections: [
        {
          id: CONNECTION,
          connector: 'github',
          account: 'mandate-bot',
          actions: ['write'],
          resources: ['acme/**'],
        },
        {
          id: 'tracker-main',
          connector: 'tracker',
          account: 'mandate-agent',
          actions: ['write'],
          resources: ['ops/*'],
        },
      ],
    });
    // and the OAuth client stored for it, allowed read and write, for the tracker's API
    await kit.storeCredential('tracker-main', {
      kind: 'oauth2-client',
      tokenEndpoint: idp.tokenUrl,
      revocationEndpoint: idp.revocationUrl,
      clientId: CLIENT.clientId,
      clientSecret: CLIENT.secret,
      scopes: ['tracker.read', 'tracker.write'],
      audiences: [AUDIENCE],
    });
  }, 90_000);

  afterAll(async () => {
    provider?.child.kill('SIGTERM');
    await provider?.closed;
    await kit?.close();
  }, 60_000);

  it('given write on ops/1, then the token carries the scopes of write for the tracker only, and is inactive at the server once the lease ends', async () => {
    // given
    const lease = kit.request({
      connectionId: 'tracker-main',
      connector: 'tracker',
      credentialKind: 'oauth2-client',
      actions: ['write'],
      resources: ['ops/1'],
      expiresAt: new Date(Date.now() + 3_000).toISOString(),
    });

    // when
    const issued = await kit.starter.issue(lease);
    await kit.recordIssued(lease, issued.tokenFingerprint);

    // then the server issued it for the resource indicator and the scopes of write, not the client's widest
    const alive = await introspect(issued.token);
    expect(alive).toMatchObject({ active: true, aud: AUDIENCE });
    expect(alive.scope?.split(' ').sort()).toEqual(['tracker.read', 'tracker.write']);

    // when the lease ends, then the token is revoked there (RFC 7009) and the lease ended once
    const handle = kit.temporal.client.workflow.getHandle<typeof credentialLeaseWorkflow>(
      credentialLeaseWorkflowId('acme', lease.leaseId),
    );
    expect(await handle.result()).toEqual({ stage: 'ended', reason: 'expired', revocationFailed: false });
    expect(await introspect(issued.token)).toEqual({ active: false });
    expect(
      (await kit.events(credentialLeaseStreamId('acme', lease.leaseId))).map((event) => event.type),
    ).toEqual(['CredentialLeaseIssued', 'CredentialLeaseEnded']);
    const history = Buffer.from(temporal.api.history.v1.History.encode(await handle.fetchHistory()).finish());
    expect(history.includes(issued.token)).toBe(false);
    expect(history.includes(CLIENT.secret)).toBe(false);
    // The lease lives 3 s and is revoked after: the default 5 s left under a second for the rest.
  }, 20_000);

  it('refuses an action the connector maps to no scope, before anything reaches the server', async () => {
    const lease = kit.request({
      connectionId: 'tracker-main',
      connector: 'tracker',
      credentialKind: 'oauth2-client',
      actions: ['admin'],
      resources: ['ops/1'],
    });
    await expect(kit.starter.issue(lease)).rejects.toMatchObject({
      code: 'malformed-lease-request',
      message: expect.stringMatching(/^lease-action-not-mintable/),
    });
  });
});
