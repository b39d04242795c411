import { randomBytes, randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { EmbeddedVault, organizationSecretRef } from '@mandate/credentials';
import {
  type Actor,
  type DomainEvent,
  organizationCredentialDecider,
  organizationCredentialStreamId,
  organizationEnvelopeId,
} from '@mandate/domain';
import { type EventStore, handleCommand } from '@mandate/event-store';
import { standInGithubApp } from '@mandate/testing';
import type { UpstreamLeaseClaims } from '@mandate/workflows';
import { IdentityLog, openTestStore } from '../../../../libs/projections/test/identity-log';
import { upstreamSourceOf } from './upstream-credential.source';

const root: Actor = { kind: 'user', id: 'root' };

/** A member workspace's lease through its organization's connection mints from the organization's credential. */
describe('the upstream credential of an organization bundle’s connection', () => {
  let store: EventStore;
  let vault: EmbeddedVault;
  let log: IdentityLog;
  const app = standInGithubApp();

  const claims = (overrides: Partial<UpstreamLeaseClaims> = {}): UpstreamLeaseClaims => ({
    workspaceId: 'acme',
    leaseId: randomUUID(),
    connectionId: 'gh-org',
    connector: 'github',
    credentialKind: 'github-app',
    actions: ['read'],
    resources: ['shared/lib'],
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
    bundleId: 'org-tools',
    channelId: 'eng',
    organizationId: 'holding',
    ...overrides,
  });

  beforeEach(async () => {
    // given workspaces acme (a member of holding) and globex (not), and holding's bundle org-tools
    // holding gh-org, attached at organization scope, whose App key the organization stored
    store = openTestStore();
    vault = new EmbeddedVault({ path: ':memory:', kek: randomBytes(32) });
    log = new IdentityLog(store);
    for (const workspaceId of ['acme', 'globex']) {
      await log.workspace(workspaceId, 'root', {
        type: 'CreateWorkspace',
        workspaceId,
        name: workspaceId,
        actorIsPlatformAdmin: true,
      });
    }
    await log.organization('holding', 'root', {
      type: 'CreateOrganization',
      organizationId: 'holding',
      name: 'Holding',
      actorIsPlatformAdmin: true,
    });
    const connection = {
      id: 'gh-org',
      connector: 'github',
      account: 'app',
      actions: ['read'],
      resources: ['shared/*'],
    };
    await log.organizationBundle('holding', 'root', {
      type: 'ApplyOrganizationBundleDocument',
      bundleId: 'org-tools',
      document: { name: 'Org tools', connections: [connection] },
    });
    await log.organization('holding', 'root', {
      type: 'AttachOrganizationBundle',
      bundleId: 'org-tools',
      bundle: 'active',
    });
    await log.organization('holding', 'root', { type: 'InviteWorkspace', workspaceId: 'acme' });
    await log.membership('acme', 'root', 'holding');
    const stored = await vault.put(
      organizationSecretRef('holding', 'gh-org'),
      JSON.stringify(app.credential('https://api.github.com')),
    );
    await handleCommand(
      store,
      organizationCredentialDecider,
      organizationCredentialStreamId('holding', 'gh-org'),
      {
        type: 'StoreOrganizationCredential',
        organization: await log.organizationState('holding'),
        connectionId: 'gh-org',
        kind: 'github-app',
        connectionExists: true,
        vaultVersion: stored.version,
        fingerprint: null,
        actor: root,
        now: new Date().toISOString(),
      },
      {
        toEnvelope: (events: DomainEvent[]) =>
          events.map((event) => ({
            id: uuidv7(),
            type: event.type,
            data: event.data,
            occurredAt: new Date().toISOString(),
            workspaceId: organizationEnvelopeId('holding'),
            actor: root,
            metadata: { correlationId: uuidv7(), causationId: null },
          })),
      },
    );
  });

  afterEach(async () => {
    await vault.close();
    await store.close();
  });

  it('given a member’s lease naming the organization and its bundle, then the organization’s credential is used', async () => {
    const source = await upstreamSourceOf(store, vault, claims());

    expect(source).toMatchObject({
      connector: { definition: { id: 'github' } },
      credential: { kind: 'github-app', installationId: '4242' },
      credentialVersion: 1,
      credentialOwner: 'organization:holding',
    });
  });

  it.each([
    ['a workspace that is no member', { workspaceId: 'globex' }],
    ['another organization', { organizationId: 'other' }],
    ['no organization (a workspace bundle of that id)', { organizationId: null }],
    ['a bundle the organization does not attach', { bundleId: 'elsewhere' }],
    ['a connection the bundle does not hold', { connectionId: 'gh-other' }],
  ])('given a lease naming %s, then it is refused', async (_, overrides) => {
    await expect(upstreamSourceOf(store, vault, claims(overrides))).rejects.toMatchObject({
      code: 'unknown-connection',
    });
  });

  it('given the member left the organization, when its lease asks again, then nothing is minted', async () => {
    await log.membership('acme', 'root', null);

    await expect(upstreamSourceOf(store, vault, claims())).rejects.toMatchObject({
      code: 'unknown-connection',
    });
  });

  it('given the bundle was detached from the organization, when a member’s lease asks, then nothing is minted', async () => {
    await log.organization('holding', 'root', { type: 'DetachOrganizationBundle', bundleId: 'org-tools' });

    await expect(upstreamSourceOf(store, vault, claims())).rejects.toMatchObject({
      code: 'unknown-connection',
    });
  });

  it('given the member’s own vault key of that id holds a secret, then it is never what the lease uses', async () => {
    await vault.put({ workspaceId: 'acme', connectionId: 'gh-org' }, JSON.stringify({ kind: 'static' }));

    const source = await upstreamSourceOf(store, vault, claims());

    expect(source).toMatchObject({
      credential: { kind: 'github-app' },
      credentialOwner: 'organization:holding',
    });
  });
});
