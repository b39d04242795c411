import { randomBytes, randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { EmbeddedVault } from '@mandate/credentials';
import { type Actor, credentialDecider, credentialStreamId, type DomainEvent } from '@mandate/domain';
import { type EventStore, handleCommand } from '@mandate/event-store';
import { standInGithubApp } from '@mandate/testing';
import type { UpstreamLeaseClaims } from '@mandate/workflows';
import { IdentityLog, openTestStore } from '../../../../libs/projections/test/identity-log';
import { upstreamSourceOf } from './upstream-credential.source';

const admin: Actor = { kind: 'user', id: 'bob' };

/** What the mint activity relies on comes from the log and the vault, not from what the payload claims. */
describe('the upstream credential a lease mints from', () => {
  let store: EventStore;
  let vault: EmbeddedVault;
  const app = standInGithubApp();

  const recordCredential = async (type: 'StoreCredential' | 'DestroyCredential', version: number | null) =>
    handleCommand(
      store,
      credentialDecider,
      credentialStreamId('acme', 'github-main'),
      {
        ...(type === 'StoreCredential'
          ? {
              type,
              kind: 'github-app' as const,
              connectionExists: true,
              vaultVersion: version,
              fingerprint: null,
            }
          : { type }),
        workspaceId: 'acme',
        connectionId: 'github-main',
        callerRoles: ['admin'],
        actor: admin,
        now: new Date().toISOString(),
      },
      {
        toEnvelope: (events: DomainEvent[]) =>
          events.map((event) => ({
            id: uuidv7(),
            type: event.type,
            data: event.data,
            occurredAt: new Date().toISOString(),
            workspaceId: 'acme',
            actor: admin,
            metadata: { correlationId: uuidv7(), causationId: null },
          })),
      },
    );
  const claims = (overrides: Partial<UpstreamLeaseClaims> = {}): UpstreamLeaseClaims => ({
    workspaceId: 'acme',
    leaseId: randomUUID(),
    connectionId: 'github-main',
    connector: 'github',
    credentialKind: 'github-app',
    actions: ['read'],
    resources: ['acme/api'],
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
    ...overrides,
  });

  beforeEach(async () => {
    // given workspace acme whose baseline connects github-main to github, with a stored App key
    store = openTestStore();
    vault = new EmbeddedVault({ path: ':memory:', kek: randomBytes(32) });
    const log = new IdentityLog(store);
    await log.workspace('acme', 'root', {
      type: 'CreateWorkspace',
      workspaceId: 'acme',
      name: 'Acme',
      actorIsPlatformAdmin: true,
    });
    await log.workspace('acme', 'root', { type: 'GrantMemberRole', principalId: admin.id, role: 'admin' });
    await log.baseline('acme', admin.id, {
      connections: [
        { id: 'github-main', connector: 'github', account: 'app', actions: ['read'], resources: ['acme/*'] },
      ],
    });
    const stored = await vault.put(
      { workspaceId: 'acme', connectionId: 'github-main' },
      JSON.stringify(app.credential('https://api.github.com')),
    );
    await recordCredential('StoreCredential', stored.version);
  });

  afterEach(async () => {
    await vault.close();
    await store.close();
  });

  it('given a request that agrees with the log, then the credential version the log names is used', async () => {
    const source = await upstreamSourceOf(store, vault, claims());
    expect(source).toMatchObject({
      connector: { definition: { id: 'github' } },
      credential: { kind: 'github-app', installationId: '4242' },
      credentialVersion: 1,
    });
  });

  it.each([
    ['another connector than the connection’s', { connector: 'slack' }, 'unknown-connection'],
    ['a connection the baseline does not have', { connectionId: 'github-other' }, 'unknown-connection'],
    [
      'another credential kind than the stored one',
      { credentialKind: 'oauth2-client' as const },
      'credential-kind-changed',
    ],
    ['another workspace', { workspaceId: 'globex' }, 'workspace-not-found'],
  ])('refuses a request naming %s', async (_, overrides, code) => {
    await expect(upstreamSourceOf(store, vault, claims(overrides))).rejects.toMatchObject({ code });
  });

  describe('given github-bundled held only by bundle `tools`, narrowed to GET, attached to channel eng', () => {
    beforeEach(async () => {
      const log = new IdentityLog(store);
      await log.channel('acme', admin.id, {
        type: 'CreateChannel',
        channelId: 'eng',
        workspaceId: 'acme',
        name: 'eng',
        visibility: 'public',
      });
      const connection = {
        id: 'github-bundled',
        connector: 'github',
        account: 'app',
        actions: ['read'],
        resources: ['acme/*'],
        narrowing: { methods: 'read-only' as const },
      };
      await log.bundle('acme', admin.id, {
        type: 'ApplyAccessBundleDocument',
        bundleId: 'tools',
        document: { name: 'Tools', connections: [connection] },
      });
      await log.bundle('acme', admin.id, {
        type: 'AttachAccessBundle',
        bundleId: 'tools',
        scope: { scope: 'channel', channelId: 'eng' },
        channel: { status: 'active', callerRole: null },
      });
      const stored = await vault.put(
        { workspaceId: 'acme', connectionId: 'github-bundled' },
        JSON.stringify(app.credential('https://api.github.com')),
      );
      await handleCommand(
        store,
        credentialDecider,
        credentialStreamId('acme', 'github-bundled'),
        {
          type: 'StoreCredential',
          kind: 'github-app',
          connectionExists: true,
          vaultVersion: stored.version,
          fingerprint: null,
          workspaceId: 'acme',
          connectionId: 'github-bundled',
          callerRoles: ['admin'],
          actor: admin,
          now: new Date().toISOString(),
        },
        {
          toEnvelope: (events: DomainEvent[]) =>
            events.map((event) => ({
              id: uuidv7(),
              type: event.type,
              data: event.data,
              occurredAt: new Date().toISOString(),
              workspaceId: 'acme',
              actor: admin,
              metadata: { correlationId: uuidv7(), causationId: null },
            })),
        },
      );
    });

    it('when the lease names the bundle and the channel, then the bundle’s connection and its narrowing are used', async () => {
      const source = await upstreamSourceOf(
        store,
        vault,
        claims({ connectionId: 'github-bundled', bundleId: 'tools', channelId: 'eng' }),
      );

      expect(source).toMatchObject({
        connector: { definition: { id: 'github' } },
        credential: { kind: 'github-app' },
        narrowing: { methods: 'read-only' },
      });
    });

    it.each([
      ['no bundle (the baseline has no such connection)', {}],
      ['another channel than the one the bundle is attached to', { bundleId: 'tools', channelId: 'ops' }],
      ['a bundle that does not exist', { bundleId: 'other', channelId: 'eng' }],
    ])('when the lease names %s, then it is refused', async (_, overrides) => {
      await expect(
        upstreamSourceOf(store, vault, claims({ connectionId: 'github-bundled', ...overrides })),
      ).rejects.toMatchObject({ code: 'unknown-connection' });
    });
  });

  it('refuses a connection whose credential was destroyed, whatever the vault still holds', async () => {
    // given the log says destroyed (the vault's shred may lag behind)
    await recordCredential('DestroyCredential', null);

    // then
    await expect(upstreamSourceOf(store, vault, claims())).rejects.toMatchObject({
      code: 'credential-not-found',
    });
  });
});
