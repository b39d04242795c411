import fc from 'fast-check';
import {
  checkEgress,
  isDomainError,
  normalizeHost,
  organizationBundleStreamId,
  type PermissionQuery,
} from '@mandate/domain';
import { IdentityLog, openTestStore } from '../../test/identity-log';
import { EffectivePermissionsProjection } from './effective-permissions.projection';

const WS = 'acme';
const ORG = 'holding';
const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const channels = ['eng', 'ops', 'sales'] as const;
const ruleIds = ['r1', 'r2', 'r3'] as const;
const resources = ['acme/api', 'acme/*', 'acme/**', 'acme/infra', 'acme/api/wiki', 'other/x'] as const;
const actions = ['read', 'write', 'admin'] as const;
const principals = ['olivia', 'alice', 'bob'] as const;
const bundleIds = ['tools', 'extra'] as const;

const rule = fc.record({
  id: fc.constantFrom(...ruleIds),
  connector: fc.constant('github'),
  actions: fc.subarray([...actions], { minLength: 1 }),
  resources: fc.subarray([...resources], { minLength: 1 }),
});

/** Commands a workspace may see, some of which the deciders refuse (that is part of the test). */
const step = fc.oneof(
  fc.record({
    kind: fc.constant('baseline' as const),
    connections: fc.array(
      rule.map((r) => ({ ...r, account: 'bot' })),
      { maxLength: 3 },
    ),
    forbidden: fc.array(rule, { maxLength: 2 }),
  }),
  fc.record({ kind: fc.constant('create-channel' as const), channelId: fc.constantFrom(...channels) }),
  fc.record({ kind: fc.constant('archive-channel' as const), channelId: fc.constantFrom(...channels) }),
  fc.record({
    kind: fc.constantFrom('extend' as const, 'restrict' as const, 'forbid' as const),
    channelId: fc.constantFrom(...channels),
    rule,
  }),
  fc.record({
    kind: fc.constantFrom('remove-restriction' as const, 'remove-extension' as const),
    channelId: fc.constantFrom(...channels),
    ruleId: fc.constantFrom(...ruleIds),
  }),
  fc.record({
    kind: fc.constant('grant' as const),
    grantId: fc.constantFrom('g1', 'g2', 'g3', 'g4'),
    channelId: fc.constantFrom(...channels),
    rule,
    minutes: fc.integer({ min: 1, max: 120 }),
  }),
  fc.record({
    kind: fc.constantFrom('revoke' as const, 'expire' as const, 'extend-grant' as const),
    grantId: fc.constantFrom('g1', 'g2', 'g3', 'g4'),
    minutes: fc.integer({ min: 1, max: 240 }),
  }),
  fc.record({
    kind: fc.constant('bundle' as const),
    bundleId: fc.constantFrom(...bundleIds),
    connections: fc.array(
      rule.map((r) => ({ ...r, account: 'bundle-bot' })),
      { maxLength: 2 },
    ),
    domains: fc.subarray(['api.github.com', '*.slack.com']),
  }),
  fc.record({
    kind: fc.constantFrom('attach' as const, 'detach' as const),
    bundleId: fc.constantFrom(...bundleIds),
    scope: fc.oneof(
      fc.constant({ scope: 'workspace' as const }),
      fc.constantFrom(...channels).map((channelId) => ({ scope: 'channel' as const, channelId })),
    ),
  }),
  fc.record({ kind: fc.constant('retire' as const), bundleId: fc.constantFrom(...bundleIds) }),
  // The organization above the workspace: its bundle, what it attaches, inviting, joining, leaving.
  fc.record({
    kind: fc.constant('org-bundle' as const),
    connections: fc.array(
      rule.map((r) => ({ ...r, account: 'org-bot' })),
      { maxLength: 2 },
    ),
    domains: fc.subarray(['api.github.com', '*.slack.com']),
  }),
  fc.record({
    kind: fc.constantFrom(
      'org-attach' as const,
      'org-detach' as const,
      'org-retire' as const,
      'invite' as const,
      'withdraw' as const,
      'join' as const,
      'leave' as const,
    ),
  }),
  // The kill switch, for the workspace or a channel (switching to the state in force is refused).
  fc.record({
    kind: fc.constant('switch' as const),
    channelId: fc.option(fc.constantFrom(...channels), { nil: undefined }),
    off: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('role' as const),
    principalId: fc.constantFrom(...principals),
    role: fc.constantFrom('admin' as const, 'member' as const),
    grant: fc.boolean(),
  }),
);
type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;

async function run(log: IdentityLog, command: Step): Promise<void> {
  const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
  switch (command.kind) {
    case 'baseline':
      await log.baseline(WS, 'olivia', { connections: command.connections, forbidden: command.forbidden });
      return;
    case 'create-channel':
      await log.channel(WS, 'olivia', {
        type: 'CreateChannel',
        channelId: command.channelId,
        workspaceId: WS,
        name: command.channelId,
        visibility: 'public',
      });
      return;
    case 'archive-channel':
      await log.channel(WS, 'olivia', { type: 'ArchiveChannel', channelId: command.channelId });
      return;
    case 'extend':
      await log.channel(WS, 'olivia', {
        type: 'ExtendChannel',
        channelId: command.channelId,
        rule: command.rule,
      });
      return;
    case 'restrict':
      await log.channel(WS, 'olivia', {
        type: 'RestrictChannel',
        channelId: command.channelId,
        rule: command.rule,
      });
      return;
    case 'forbid':
      await log.channel(WS, 'olivia', {
        type: 'ForbidInChannel',
        channelId: command.channelId,
        rule: command.rule,
      });
      return;
    case 'remove-restriction':
      await log.channel(WS, 'olivia', {
        type: 'RemoveChannelRestriction',
        channelId: command.channelId,
        ruleId: command.ruleId,
      });
      return;
    case 'remove-extension':
      await log.channel(WS, 'olivia', {
        type: 'RemoveChannelExtension',
        channelId: command.channelId,
        ruleId: command.ruleId,
      });
      return;
    case 'grant':
      await log.grant(WS, {
        grantId: command.grantId,
        channelId: command.channelId,
        connector: 'github',
        actions: command.rule.actions,
        resources: command.rule.resources,
        expiresAt: at(command.minutes),
      });
      return;
    case 'revoke':
      await log.revokeGrant(WS, command.grantId);
      return;
    case 'expire':
      await log.expireGrant(WS, command.grantId, at(command.minutes));
      return;
    case 'extend-grant':
      await log.extendGrant(WS, command.grantId, at(command.minutes));
      return;
    case 'bundle':
      await log.bundle(WS, 'olivia', {
        type: 'ApplyAccessBundleDocument',
        bundleId: command.bundleId,
        document: {
          name: command.bundleId,
          connections: command.connections,
          domains: command.domains.map((host) => ({ host, ports: [443] })),
        },
      });
      return;
    case 'attach':
    case 'detach':
      // The channel as an admin sees it, existing or not yet: the projection must take either order.
      await log.bundle(WS, 'olivia', {
        type: command.kind === 'attach' ? 'AttachAccessBundle' : 'DetachAccessBundle',
        bundleId: command.bundleId,
        scope: command.scope,
        channel: { status: 'active', callerRole: null },
      });
      return;
    case 'retire':
      await log.bundle(WS, 'olivia', { type: 'RetireAccessBundle', bundleId: command.bundleId });
      return;
    case 'org-bundle':
      await log.organizationBundle(ORG, 'olivia', {
        type: 'ApplyOrganizationBundleDocument',
        bundleId: 'org-tools',
        document: {
          name: 'org-tools',
          connections: command.connections,
          domains: command.domains.map((host) => ({ host, ports: [443] })),
        },
      });
      return;
    case 'org-attach': {
      const bundle = await log.store.readStream(organizationBundleStreamId(ORG, 'org-tools'));
      const status = bundle.some((event) => event.type === 'AccessBundleRetired')
        ? 'retired'
        : bundle.length > 0
          ? 'active'
          : 'absent';
      await log.organization(ORG, 'olivia', {
        type: 'AttachOrganizationBundle',
        bundleId: 'org-tools',
        bundle: status,
      });
      return;
    }
    case 'org-detach':
      await log.organization(ORG, 'olivia', { type: 'DetachOrganizationBundle', bundleId: 'org-tools' });
      return;
    case 'org-retire':
      await log.organizationBundle(ORG, 'olivia', {
        type: 'RetireOrganizationBundle',
        bundleId: 'org-tools',
      });
      return;
    case 'invite':
    case 'withdraw':
      await log.organization(ORG, 'olivia', {
        type: command.kind === 'invite' ? 'InviteWorkspace' : 'WithdrawInvitation',
        workspaceId: WS,
      });
      return;
    case 'join':
    case 'leave':
      await log.membership(WS, 'olivia', command.kind === 'join' ? ORG : null);
      return;
    case 'switch': {
      const type = command.off ? 'DisableAgentIdentity' : 'EnableAgentIdentity';
      if (command.channelId === undefined) await log.workspace(WS, 'olivia', { type, reason: 'property' });
      else await log.channel(WS, 'olivia', { type, channelId: command.channelId, reason: 'property' });
      return;
    }
    case 'role':
      await log.workspace(WS, 'olivia', {
        type: command.grant ? 'GrantMemberRole' : 'RevokeMemberRole',
        principalId: command.principalId,
        role: command.role,
      });
      return;
  }
}

const queries: PermissionQuery[] = channels.flatMap((channelId) =>
  ['acme/api', 'acme/infra', 'acme/api/wiki', 'acme/new', 'other/x'].flatMap((resource) =>
    actions.map((action) => ({ channelId, connector: 'github', action, resource })),
  ),
);
const instants = [T0, T0 + 30 * 60_000, T0 + 150 * 60_000];

const answers = (projection: EffectivePermissionsProjection) => {
  const compiled = projection.workspace(WS)?.compiled;
  const egress = channels.flatMap((channelId) =>
    ['api.github.com', 'hooks.slack.com'].map((text) => {
      const host = normalizeHost(text);
      return compiled && host.ok
        ? checkEgress(compiled, { host: host.host, port: 443, channelId })
        : undefined;
    }),
  );
  return {
    checks: instants.flatMap((nowMs) => queries.map((query) => projection.check(WS, query, nowMs))),
    identities: channels.map((channelId) => compiled?.effectiveIdentity(channelId)),
    egress,
  };
};

describe('live projection vs rebuilt from position 1', () => {
  it('given random command sequences through the real deciders, when rebuilt, then state hash and every answer are identical', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), async (steps) => {
        const store = openTestStore();
        const log = new IdentityLog(store, () => new Date(T0));
        const live = new EffectivePermissionsProjection();
        try {
          await log.createWorkspace(WS);
          await log.organization(ORG, 'olivia', {
            type: 'CreateOrganization',
            organizationId: ORG,
            name: 'Holding',
            actorIsPlatformAdmin: true,
          });
          // Invited from the start, so that a `join` step lands (a `withdraw` may still come first).
          await log.organization(ORG, 'olivia', { type: 'InviteWorkspace', workspaceId: WS });
          for (const command of steps) {
            try {
              await run(log, command);
            } catch (error) {
              if (!isDomainError(error)) throw error;
            }
            // Live: apply what was written, and check, so the compiled structure is updated incrementally.
            for (const event of await store.readAll({ fromPosition: live.position + 1 })) live.apply(event);
            live.check(WS, queries[0], T0);
          }
          const rebuilt = new EffectivePermissionsProjection();
          for (const event of await store.readAll()) rebuilt.apply(event);

          expect(rebuilt.stateHash()).toBe(live.stateHash());
          expect(answers(rebuilt)).toEqual(answers(live));
          expect(live.failures).toBe(0);
        } finally {
          await store.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
