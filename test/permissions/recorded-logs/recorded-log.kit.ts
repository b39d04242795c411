import { checkEgress, checkInvoke, checkMemory, normalizeHost, type PermissionQuery } from '@mandate/domain';
import type { EventStore } from '@mandate/event-store';
import { IdentityLog } from '../../../libs/projections/test/identity-log';
import { EffectivePermissionsProjection } from '../../../libs/projections/src/effective-permissions/effective-permissions.projection';

/**
 * A workspace's history written through the real deciders (baseline changes of every kind, channel
 * overrides, grants revoked, extended and expired, roles, an archived channel), and the questions
 * asked of it. The log was recorded once, before bundles and scopes existed; its answers were
 * recorded with it, and every later version of the code must give them again.
 */
export const WS = 'acme';
export const T0 = Date.parse('2026-06-01T09:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

const conn = (id: string, connector: string, actions: string[], resources: string[], account = 'bot') => ({
  id,
  connector,
  account,
  actions,
  resources,
});
const rule = (id: string, connector: string, actions: string[], resources: string[]) => ({
  id,
  connector,
  actions,
  resources,
});

export async function writeHistory(log: IdentityLog): Promise<void> {
  await log.createWorkspace(WS);
  for (const [principalId, role] of [
    ['alice', 'admin'],
    ['bob', 'member'],
    ['carol', 'approver'],
    ['dave', 'member'],
  ] as const) {
    await log.workspace(WS, 'olivia', { type: 'GrantMemberRole', principalId, role });
  }
  await log.workspace(WS, 'olivia', { type: 'CreateGroup', groupId: 'oncall', name: 'On call' });
  await log.workspace(WS, 'olivia', { type: 'AddGroupMember', groupId: 'oncall', principalId: 'dave' });
  await log.baseline(WS, 'alice', {
    connections: [
      conn('gh-main', 'github', ['read'], ['acme/*']),
      conn('gh-docs', 'github', ['write'], ['acme/docs/**']),
      conn('drive', 'google-drive', ['view'], ['shared/**'], 'sa:agent'),
    ],
    repositories: ['acme/api', 'acme/web'],
    skills: ['review', 'triage'],
    instructions: 'Be concise.',
    egress: [
      { host: 'api.github.com', ports: [443] },
      { host: '*.googleapis.com', ports: [443] },
    ],
    forbidden: [rule('no-secrets', 'github', ['read'], ['acme/secrets'])],
    memoryNamespaces: ['handbook', 'runbooks'],
  });
  for (const [channelId, visibility] of [
    ['eng', 'public'],
    ['ops', 'private'],
    ['sales', 'public'],
    ['design', 'public'],
  ] as const) {
    await log.channel(WS, 'alice', {
      type: 'CreateChannel',
      channelId,
      workspaceId: WS,
      name: channelId,
      visibility,
    });
  }
  await log.channel(WS, 'alice', {
    type: 'AddChannelMember',
    channelId: 'ops',
    principalId: 'bob',
    role: 'admin',
  });
  await log.channel(WS, 'alice', {
    type: 'ExtendChannel',
    channelId: 'eng',
    rule: { ...rule('eng-write', 'github', ['write'], ['acme/api', 'acme/web/**']), account: 'eng-bot' },
  });
  await log.channel(WS, 'alice', {
    type: 'RestrictChannel',
    channelId: 'eng',
    rule: rule('no-infra', 'github', ['read'], ['acme/infra']),
  });
  await log.channel(WS, 'alice', {
    type: 'ForbidInChannel',
    channelId: 'sales',
    rule: rule('no-code', 'github', ['*'], ['acme/**']),
  });
  await log.channel(WS, 'alice', {
    type: 'SetChannelInstructions',
    channelId: 'eng',
    instructions: { mode: 'append', text: 'Prefer small pull requests.' },
  });
  await log.channel(WS, 'alice', {
    type: 'SetChannelInstructions',
    channelId: 'sales',
    instructions: { mode: 'replace', text: 'Never share code.' },
  });
  await log.channel(WS, 'alice', { type: 'SetChannelSkill', channelId: 'eng', skill: 'deploy', state: 'on' });
  await log.channel(WS, 'alice', {
    type: 'SetChannelSkill',
    channelId: 'sales',
    skill: 'review',
    state: 'off',
  });
  await log.channel(WS, 'alice', {
    type: 'SetChannelMemoryScope',
    channelId: 'eng',
    sharedNamespaces: ['handbook', 'channel:sales'],
    namespaces: { handbook: 'workspace', runbooks: 'workspace', 'channel:sales': 'public-channel' },
  });
  await log.channel(WS, 'bob', {
    type: 'SetChannelInvokePolicy',
    channelId: 'ops',
    policy: { roles: [], groups: ['oncall'], principals: ['carol'], channelMembers: true },
  });
  // The baseline changes in every way the diff knows: account, actions, resources, a connection
  // removed and one replaced by another connector, forbids changed, egress ports, invoke policy.
  await log.baseline(WS, 'alice', {
    connections: [
      conn('gh-main', 'github', ['read', 'write'], ['acme/*', 'tools/**'], 'bot-2'),
      conn('drive', 'jira', ['read'], ['ENG'], 'jira-bot'),
      conn('slack', 'slack', ['read'], ['general']),
    ],
    repositories: ['acme/api', 'acme/tools'],
    skills: ['review'],
    instructions: 'Be concise. Cite sources.',
    egress: [
      { host: 'api.github.com', ports: [443, 8443] },
      { host: '*.slack.com', ports: [443] },
    ],
    invokePolicy: { roles: ['member'], groups: [], principals: ['svc-bot'], channelMembers: false },
    forbidden: [
      rule('no-secrets', 'github', ['read'], ['acme/secrets', 'acme/keys']),
      rule('no-payroll', 'github', ['read'], ['acme/payroll']),
    ],
    memoryNamespaces: ['handbook'],
  });
  await log.grant(WS, {
    grantId: 'g-infra',
    channelId: 'eng',
    connector: 'github',
    actions: ['read'],
    resources: ['acme/infra'],
    expiresAt: at(60),
  });
  await log.grant(WS, {
    grantId: 'g-admin',
    channelId: 'ops',
    connector: 'github',
    actions: ['admin'],
    resources: ['acme/**'],
    expiresAt: at(30),
  });
  await log.extendGrant(WS, 'g-admin', at(120));
  await log.grant(WS, {
    grantId: 'g-revoked',
    channelId: 'sales',
    connector: 'slack',
    actions: ['write'],
    resources: ['general'],
    expiresAt: at(600),
  });
  await log.revokeGrant(WS, 'g-revoked');
  await log.grant(WS, {
    grantId: 'g-expired',
    channelId: 'eng',
    connector: 'jira',
    actions: ['write'],
    resources: ['ENG'],
    expiresAt: at(10),
  });
  await log.expireGrant(WS, 'g-expired', at(10));
  await log.channel(WS, 'alice', { type: 'RemoveChannelRestriction', channelId: 'eng', ruleId: 'no-infra' });
  await log.channel(WS, 'alice', {
    type: 'RestrictChannel',
    channelId: 'eng',
    rule: rule('no-infra', 'github', ['write'], ['acme/infra']),
  });
  await log.channel(WS, 'alice', { type: 'ArchiveChannel', channelId: 'design' });
  await log.workspace(WS, 'olivia', { type: 'RevokeMemberRole', principalId: 'dave', role: 'member' });
}

const channels = ['eng', 'ops', 'sales', 'design', 'missing'];
const probes: Omit<PermissionQuery, 'channelId'>[] = [
  ...['acme/api', 'acme/web', 'acme/web/ui', 'acme/infra', 'acme/secrets', 'acme/keys', 'acme/payroll']
    .concat(['acme/docs/guide', 'tools/cli/x', 'other/x', 'acme//api', 'ACME/API.git'])
    .flatMap((resource) =>
      ['read', 'write', 'admin'].map((action) => ({ connector: 'github', action, resource })),
    ),
  { connector: 'jira', action: 'read', resource: 'ENG' },
  { connector: 'jira', action: 'write', resource: 'ENG' },
  { connector: 'google-drive', action: 'view', resource: 'shared/a' },
  { connector: 'slack', action: 'read', resource: 'general' },
  { connector: 'slack', action: 'write', resource: 'general' },
];
const instants = [T0, T0 + 45 * 60_000, T0 + 180 * 60_000];
const hosts = ['api.github.com', 'x.googleapis.com', 'hooks.slack.com', 'slack.com', 'evil.com'];
const ports = [443, 8443];
const principals = ['olivia', 'alice', 'bob', 'carol', 'dave', 'svc-bot', 'mallory'];
const namespaces = ['channel:eng', 'channel:ops', 'channel:sales', 'handbook', 'runbooks', 'nope'];

export interface RecordedAnswers {
  checks: unknown[];
  identities: unknown[];
  egress: unknown[];
  invoke: unknown[];
  memory: unknown[];
}

/** Every question this log is asked, answered from a projection built from it. */
export function answersOf(projection: EffectivePermissionsProjection): RecordedAnswers {
  const workspace = projection.workspace(WS);
  if (workspace === undefined) throw new Error('the recorded workspace is missing');
  const compiled = workspace.compiled;
  return {
    checks: instants.flatMap((nowMs) =>
      channels.flatMap((channelId) =>
        probes.map((probe) => ({
          nowMs,
          channelId,
          ...probe,
          answer: projection.check(WS, { channelId, ...probe }, nowMs),
        })),
      ),
    ),
    identities: channels.map((channelId) => ({
      channelId,
      identity: compiled.effectiveIdentity(channelId) ?? null,
    })),
    egress: channels.flatMap((channelId) =>
      hosts.flatMap((text) =>
        ports.map((port) => {
          const host = normalizeHost(text);
          if (!host.ok) throw new Error(`unexpected malformed host ${text}`);
          return { channelId, host: text, port, answer: checkEgress(compiled, { host: host.host, port }) };
        }),
      ),
    ),
    invoke: channels.flatMap((channelId) =>
      principals.map((principalId) => ({
        channelId,
        principalId,
        answer: checkInvoke(compiled, { channelId, principalId }),
      })),
    ),
    memory: channels.flatMap((channelId) =>
      namespaces.map((namespace) => ({
        channelId,
        namespace,
        answer: checkMemory(compiled, { channelId, namespace }),
      })),
    ),
  };
}

/** Builds a projection from the whole log, as a restarted API would. */
export async function projectionOf(store: EventStore): Promise<EffectivePermissionsProjection> {
  const projection = new EffectivePermissionsProjection();
  projection.applyPage(await store.readAll());
  return projection;
}
