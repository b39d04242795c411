import { agentIdentityDecider } from '../agent-identity/agent-identity.decider';
import { channelDecider } from '../channel/channel.decider';
import type { ChannelEvent } from '../channel/channel.events';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import { workspaceDecider } from '../workspace/workspace.decider';
import type { WorkspaceEvent } from '../workspace/workspace.events';
import { compileWorkspace } from './compiled-identity';
import { checkMemoryAccess, checkMemoryWrite, decideMemoryUpdate, parseNamespace } from './memory-rules';

/**
 * The memory table, read and write, row by row. Given a workspace declaring the shared namespaces
 * `handbook` and `runbooks`; a public channel `eng` listing `handbook` and the public `web`; a public
 * `web` listing nothing; a private `hr` listing `handbook`; an archived `old`.
 */

const T = '2026-11-30T12:00:00.000Z';

const workspace = (
  [
    { type: 'WorkspaceCreated', data: { workspaceId: 'acme', name: 'Acme' } },
    { type: 'MemberRoleGranted', data: { principalId: 'bob', role: 'member' } },
    { type: 'MemberRoleGranted', data: { principalId: 'hank', role: 'member' } },
  ] as WorkspaceEvent[]
).reduce(workspaceDecider.evolve, workspaceDecider.initialState());

const agentIdentity = agentIdentityDecider
  .decide(
    {
      type: 'ApplyAgentIdentityDocument',
      document: { memoryNamespaces: ['handbook', 'runbooks'] },
      catalog: createConnectorCatalog(),
      callerRoles: ['owner'],
      actor: { kind: 'user', id: 'alice' },
      now: T,
    },
    agentIdentityDecider.initialState(),
  )
  .reduce(agentIdentityDecider.evolve, agentIdentityDecider.initialState());

const channel = (channelId: string, visibility: 'public' | 'private', changes: object[] = []) =>
  (
    [
      { type: 'ChannelCreated', data: { channelId, workspaceId: 'acme', name: channelId, visibility } },
      ...changes.map((change) => ({ ...change, data: { ...(change as { data: object }).data, channelId } })),
    ] as ChannelEvent[]
  ).reduce(channelDecider.evolve, channelDecider.initialState());

const listing = (...sharedNamespaces: string[]) => ({
  type: 'ChannelMemoryScopeChanged',
  data: { sharedNamespaces },
});

const compiled = compileWorkspace({
  workspace,
  agentIdentity,
  channels: [
    channel('eng', 'public', [listing('handbook', 'channel:web')]),
    channel('web', 'public'),
    channel('hr', 'private', [
      { type: 'ChannelMemberAdded', data: { principalId: 'hank', role: 'admin' } },
      listing('handbook'),
    ]),
    channel('old', 'public', [{ type: 'ChannelArchived', data: {} }]),
  ],
});

type Row = [channelId: string, namespace: string, allowed: boolean, rule: string];

describe('memory writes: the table', () => {
  const rows: Row[] = [
    // A channel always writes its own namespace, public or private.
    ['eng', 'channel:eng', true, 'own-namespace'],
    ['hr', 'channel:hr', true, 'own-namespace'],
    // A public channel writes a shared workspace namespace it lists…
    ['eng', 'handbook', true, 'shared-namespace'],
    // …not one the workspace declares that it does not list, nor one the workspace lacks.
    ['eng', 'runbooks', false, 'not-listed'],
    ['eng', 'nowhere', false, 'unknown-namespace'],
    // A private channel writes only its own, even what it lists and reads.
    ['hr', 'handbook', false, 'private-channel-writes-own'],
    ['hr', 'runbooks', false, 'private-channel-writes-own'],
    // No channel writes another channel's namespace: listed, public, private or unknown.
    ['eng', 'channel:web', false, 'other-channel-namespace'],
    ['web', 'channel:eng', false, 'other-channel-namespace'],
    ['eng', 'channel:hr', false, 'other-channel-namespace'],
    ['hr', 'channel:eng', false, 'other-channel-namespace'],
    ['eng', 'channel:ghost', false, 'other-channel-namespace'],
    // There is no organization-wide memory.
    ['eng', 'organization:acme', false, 'no-organization-memory'],
    ['hr', 'organization:acme', false, 'no-organization-memory'],
    // Outside the grammar: refused, never compared with a rule.
    ['eng', 'channel:', false, 'malformed-namespace'],
    ['eng', 'channel:Eng', false, 'malformed-namespace'],
    ['eng', 'channel:eng/x', false, 'malformed-namespace'],
    ['eng', 'organization:', false, 'malformed-namespace'],
    ['eng', 'Handbook', false, 'malformed-namespace'],
    ['eng', 'handbook\u200b', false, 'malformed-namespace'],
    ['eng', 'org:acme', false, 'malformed-namespace'],
    // An unknown or archived channel writes nothing, not even its own.
    ['ghost', 'channel:ghost', false, 'unknown-channel'],
    ['old', 'channel:old', false, 'archived-channel'],
  ];

  it.each(rows)(
    'given channel %s, when it writes to %s, then allowed is %s by rule %s',
    (channelId, namespace, allowed, rule) => {
      const answer = checkMemoryAccess(compiled, { channelId, namespace, mode: 'write' });
      expect(answer).toEqual({ allowed, rule, reason: expect.any(String) });
      expect(checkMemoryWrite(compiled, { channelId, namespace })).toEqual(answer);
    },
  );

  it('says why in words naming the namespace when it is about a namespace', () => {
    expect(checkMemoryWrite(compiled, { channelId: 'eng', namespace: 'handbook' }).reason).toBe(
      'The channel lists "handbook" in its memory scope',
    );
    expect(checkMemoryWrite(compiled, { channelId: 'eng', namespace: 'runbooks' }).reason).toBe(
      'The channel does not list "runbooks" in its memory scope',
    );
    expect(checkMemoryWrite(compiled, { channelId: 'eng', namespace: 'nowhere' }).reason).toBe(
      '"nowhere" is not a shared workspace namespace',
    );
    expect(checkMemoryWrite(compiled, { channelId: 'eng', namespace: 'channel:web' }).reason).toBe(
      '"channel:web" belongs to another channel; only it writes there',
    );
    expect(checkMemoryWrite(compiled, { channelId: 'hr', namespace: 'handbook' }).reason).toBe(
      'A private channel writes only its own namespace',
    );
    expect(checkMemoryWrite(compiled, { channelId: 'eng', namespace: 'channel:eng' }).reason).toBe(
      'The channel writes its own namespace',
    );
    expect(checkMemoryWrite(compiled, { channelId: 'eng', namespace: 'organization:acme' }).reason).toBe(
      'There is no organization-wide memory to write to',
    );
    expect(checkMemoryWrite(compiled, { channelId: 'eng', namespace: '%' }).reason).toBe(
      'The namespace is neither channel:<id> nor a workspace namespace',
    );
  });
});

describe('memory reads: the table (unchanged by write mode)', () => {
  const rows: Row[] = [
    ['eng', 'channel:eng', true, 'own-namespace'],
    ['hr', 'channel:hr', true, 'own-namespace'],
    // Listed workspace and public-channel namespaces are readable; a private channel reads
    // the workspace memory it lists.
    ['eng', 'handbook', true, 'shared-namespace'],
    ['eng', 'channel:web', true, 'shared-namespace'],
    ['hr', 'handbook', true, 'shared-namespace'],
    // Unlisted is unread, shared or not: the listing is where "unless restricted" lives.
    ['eng', 'runbooks', false, 'not-listed'],
    ['web', 'channel:eng', false, 'not-listed'],
    // A private channel's namespace is never read from elsewhere.
    ['eng', 'channel:hr', false, 'private-namespace'],
    ['eng', 'channel:ghost', false, 'unknown-namespace'],
    ['eng', 'nowhere', false, 'unknown-namespace'],
    ['eng', 'organization:acme', false, 'unknown-namespace'],
    ['ghost', 'channel:ghost', false, 'unknown-channel'],
    ['old', 'channel:old', false, 'archived-channel'],
  ];

  it.each(rows)(
    'given channel %s, when it reads %s, then allowed is %s by rule %s',
    (channelId, namespace, allowed, rule) => {
      expect(checkMemoryAccess(compiled, { channelId, namespace, mode: 'read' })).toEqual({
        allowed,
        rule,
        reason: expect.any(String),
      });
    },
  );
});

describe('namespace grammar', () => {
  it.each([
    ['channel:eng', { kind: 'channel', channelId: 'eng' }],
    ['handbook', { kind: 'workspace', name: 'handbook' }],
    ['organization:acme', { kind: 'organization' }],
    ['organization:Acme', { kind: 'malformed' }],
    ['channel:-x', { kind: 'malformed' }],
    ['', { kind: 'malformed' }],
    ['a:b', { kind: 'malformed' }],
  ])('reads %j as %j', (text, parsed) => {
    expect(parseNamespace(text)).toEqual(parsed);
  });
});

describe('a memory update as recorded', () => {
  it('given an invoker the invoke policy admits, when the agent writes, then the write rules decide', () => {
    expect(
      decideMemoryUpdate(compiled, { channelId: 'eng', namespace: 'handbook', invokedBy: 'bob' }),
    ).toEqual({
      allowed: true,
      rule: 'shared-namespace',
      reason: expect.any(String),
    });
    expect(
      decideMemoryUpdate(compiled, { channelId: 'hr', namespace: 'handbook', invokedBy: 'hank' }),
    ).toEqual({ allowed: false, rule: 'private-channel-writes-own', reason: expect.any(String) });
  });

  it('given an invoker the channel refuses, when the agent writes its own namespace, then the invoke refusal stands', () => {
    expect(
      decideMemoryUpdate(compiled, { channelId: 'hr', namespace: 'channel:hr', invokedBy: 'bob' }),
    ).toEqual({
      allowed: false,
      rule: 'private-channel',
      reason: 'Only members may invoke the agent in a private channel',
    });
    expect(
      decideMemoryUpdate(compiled, { channelId: 'eng', namespace: 'channel:eng', invokedBy: 'mallory' }),
    ).toMatchObject({ allowed: false, rule: 'workspace-invoke-policy' });
  });
});
