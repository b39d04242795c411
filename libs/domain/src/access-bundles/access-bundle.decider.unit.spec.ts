import { deciderSpec } from '@mandate/testing';
import type { WorkspaceRole } from '../common/workspace-role';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import type { Actor } from '../shared';
import { github } from './access-bundle.builders';
import type { AccessBundleCommand, ScopeChannel } from './access-bundle.commands';
import { accessBundleDecider, attachmentsOf } from './access-bundle.decider';
import type { AccessBundleDocumentInput, BundleScope } from './access-bundle.document';
import type { AccessBundleEvent } from './access-bundle.events';
import { accessBundleStreamId } from './access-bundle.state';

const spec = deciderSpec(accessBundleDecider);
const alice: Actor = { kind: 'user', id: 'alice' };
const now = '2026-11-29T12:00:00.000Z';
const catalog = createConnectorCatalog();
const admin: WorkspaceRole[] = ['admin'];
const member: WorkspaceRole[] = ['member'];

const caller = (callerRoles: readonly WorkspaceRole[]) => ({
  actor: alice,
  now,
  callerRoles,
  bundleId: 'eng-tools',
});
const put = (
  document: AccessBundleDocumentInput,
  roles = admin,
  bundleId = 'eng-tools',
): AccessBundleCommand => ({
  type: 'ApplyAccessBundleDocument',
  workspaceId: 'acme',
  document,
  catalog,
  ...caller(roles),
  bundleId,
});
const active: ScopeChannel = { status: 'active', callerRole: null };
const onChannel = (channelId: string): BundleScope => ({ scope: 'channel', channelId });
const workspace: BundleScope = { scope: 'workspace' };
const attach = (scope: BundleScope, roles = admin, channel: ScopeChannel = active): AccessBundleCommand => ({
  type: 'AttachAccessBundle',
  scope,
  channel,
  ...caller(roles),
});
const detach = (scope: BundleScope, roles = admin, channel: ScopeChannel = active): AccessBundleCommand => ({
  type: 'DetachAccessBundle',
  scope,
  channel,
  ...caller(roles),
});
const retire = (roles = admin): AccessBundleCommand => ({ type: 'RetireAccessBundle', ...caller(roles) });

const created: AccessBundleEvent = {
  type: 'AccessBundleCreated',
  data: { bundleId: 'eng-tools', workspaceId: 'acme', name: 'Engineering toolset' },
};
const withGithub: AccessBundleEvent[] = [
  created,
  { type: 'BundleConnectionAdded', data: { connection: github } },
];
const attached = (scope: BundleScope): AccessBundleEvent => ({ type: 'AccessBundleAttached', data: scope });

describe('access bundle decider', () => {
  describe('given no bundle, when an admin puts a document', () => {
    it('then it is created with granular events in canonical form', () => {
      spec
        .given()
        .when(
          put({
            name: 'Engineering toolset',
            connections: [{ ...github, actions: ['write', 'write'], resources: ['acme/*'] }],
            repositories: ['acme/web', 'acme/api', 'acme/api'],
            skills: ['review'],
            instructions: 'Open small pull requests.',
            domains: [{ host: 'API.GitHub.com.', ports: [443, 443] }],
          }),
        )
        .then([
          created,
          { type: 'BundleConnectionAdded', data: { connection: github } },
          { type: 'BundleRepositoryAdded', data: { repository: 'acme/api' } },
          { type: 'BundleRepositoryAdded', data: { repository: 'acme/web' } },
          { type: 'BundleSkillAdded', data: { skill: 'review' } },
          { type: 'BundleInstructionsChanged', data: { instructions: 'Open small pull requests.' } },
          { type: 'BundleDomainAdded', data: { rule: { host: 'api.github.com', ports: [443] } } },
        ]);
    });

    it('then a bare name creates an empty bundle', () => {
      spec
        .given()
        .when(put({ name: 'Engineering toolset' }))
        .then([created]);
    });
  });

  describe('given a bundle, when the document changes', () => {
    const full: AccessBundleEvent[] = [
      ...withGithub,
      { type: 'BundleRepositoryAdded', data: { repository: 'acme/api' } },
      { type: 'BundleSkillAdded', data: { skill: 'review' } },
      { type: 'BundleInstructionsChanged', data: { instructions: 'Be brief.' } },
      { type: 'BundleDomainAdded', data: { rule: { host: 'api.github.com', ports: [443] } } },
      { type: 'BundleDomainAdded', data: { rule: { host: '*.slack.com', ports: [443] } } },
    ];

    it('then only the differences are recorded, one change event per connection', () => {
      spec
        .given(full)
        .when(
          put({
            name: 'Eng tools',
            connections: [{ ...github, account: 'app:eng-2', actions: ['read'], resources: ['acme/**'] }],
            repositories: ['acme/web'],
            skills: ['triage'],
            instructions: 'Be brief.',
            domains: [{ host: 'api.github.com', ports: [443, 8443] }],
          }),
        )
        .then([
          { type: 'AccessBundleRenamed', data: { name: 'Eng tools' } },
          {
            type: 'BundleConnectionChanged',
            data: {
              connection: { ...github, account: 'app:eng-2', actions: ['read'], resources: ['acme/**'] },
            },
          },
          { type: 'BundleRepositoryAdded', data: { repository: 'acme/web' } },
          { type: 'BundleRepositoryRemoved', data: { repository: 'acme/api' } },
          { type: 'BundleSkillAdded', data: { skill: 'triage' } },
          { type: 'BundleSkillRemoved', data: { skill: 'review' } },
          { type: 'BundleDomainChanged', data: { rule: { host: 'api.github.com', ports: [443, 8443] } } },
          { type: 'BundleDomainRemoved', data: { host: '*.slack.com' } },
        ]);
    });

    it('then a connection moved to another connector is removed and added again', () => {
      const jira = { ...github, connector: 'jira', actions: ['read'], resources: ['ENG'] };
      spec
        .given(withGithub)
        .when(put({ name: 'Engineering toolset', connections: [jira] }))
        .then([
          { type: 'BundleConnectionRemoved', data: { connectionId: 'gh' } },
          { type: 'BundleConnectionAdded', data: { connection: jira } },
        ]);
    });

    it('then the same document records nothing, and folding the events yields the document', () => {
      const state = spec
        .given(full)
        .when(put({ name: 'Engineering toolset' }))
        .thenState();
      expect(state).toMatchObject({
        status: 'active',
        connections: [],
        repositories: [],
        skills: [],
        domains: [],
      });
      spec
        .given(full)
        .when(
          put({
            name: 'Engineering toolset',
            connections: [github],
            repositories: ['acme/api'],
            skills: ['review'],
            instructions: 'Be brief.',
            domains: [
              { host: '*.slack.com', ports: [443] },
              { host: 'api.github.com', ports: [443] },
            ],
          }),
        )
        .thenNothing();
    });

    it('then the folded state follows every change', () => {
      const state = spec
        .given(full)
        .when(
          put({
            name: 'Eng',
            connections: [{ ...github, actions: ['read'] }],
            repositories: ['acme/web'],
            skills: ['triage'],
            instructions: 'x',
            domains: [{ host: 'api.github.com', ports: [8443] }],
          }),
        )
        .thenState();
      expect(state).toEqual({
        status: 'active',
        bundleId: 'eng-tools',
        workspaceId: 'acme',
        name: 'Eng',
        connections: [{ ...github, actions: ['read'] }],
        repositories: ['acme/web'],
        skills: ['triage'],
        instructions: 'x',
        domains: [{ host: 'api.github.com', ports: [8443] }],
        attachedTo: { workspace: false, channels: [] },
      });
    });
  });

  describe('folding connection changes', () => {
    const jira = { id: 'jira', connector: 'jira', account: 'bot', actions: ['read'], resources: ['ENG'] };
    const two: AccessBundleEvent[] = [
      ...withGithub,
      { type: 'BundleConnectionAdded', data: { connection: jira } },
    ];

    it('given two connections, when one changes, then only it changes', () => {
      const state = spec
        .given(two)
        .when(put({ name: 'Engineering toolset', connections: [{ ...github, actions: ['read'] }, jira] }))
        .thenState();
      expect(state).toMatchObject({ connections: [{ ...github, actions: ['read'] }, jira] });
    });

    it('given two connections, when one is removed, then the other stays', () => {
      const state = spec
        .given(two)
        .when(put({ name: 'Engineering toolset', connections: [jira] }))
        .thenState();
      expect(state).toMatchObject({ connections: [jira] });
    });
  });

  describe('refusals of a document', () => {
    it('given a member, then not-workspace-admin', () => {
      spec
        .given()
        .when(put({ name: 'x' }, member))
        .thenRefuses({ code: 'not-workspace-admin', kind: 'forbidden' });
    });

    it('given the reserved id baseline, then reserved-bundle-id, whatever is asked of it', () => {
      const error = spec
        .given()
        .when(put({ name: 'x' }, admin, 'baseline'))
        .thenRefuses({ code: 'reserved-bundle-id', kind: 'conflict' });
      expect(error.message).toBe(
        '"baseline" names the workspace baseline, always attached to the workspace; change it with PUT …/agent-identity',
      );
      for (const command of [attach(workspace), detach(workspace), retire()]) {
        spec
          .given()
          .when({ ...command, bundleId: 'baseline' })
          .thenRefuses({ code: 'reserved-bundle-id' });
      }
    });

    it('given an unknown connector, an unknown action or a malformed pattern, then each is named', () => {
      const error = spec
        .given()
        .when(
          put({
            name: 'x',
            connections: [
              { ...github, id: 'a', connector: 'nope' },
              { ...github, id: 'b', actions: ['fly'] },
              { ...github, id: 'c', resources: ['acme//x'] },
              { ...github, id: 'c' },
            ],
          }),
        )
        .thenRefuses({ code: 'duplicate-id', path: 'connections[0].connector' });
      expect(error.issues.map((issue) => issue.path)).toEqual([
        'connections[3].id',
        'connections[0].connector',
        'connections[1].actions[0]',
        'connections[2].resources[0]',
      ]);
    });

    it('given a malformed or a repeated domain, then each is named under domains', () => {
      const error = spec
        .given()
        .when(
          put({
            name: 'x',
            domains: [
              { host: 'evil.com/.x.com', ports: [443] },
              { host: 'api.github.com', ports: [443] },
              { host: 'API.github.com', ports: [80] },
            ],
          }),
        )
        .thenRefuses({ code: 'malformed-pattern', path: 'domains[0].host' });
      expect(error.issues).toEqual([
        { path: 'domains[0].host', message: expect.stringContaining('entries look like api.github.com') },
        { path: 'domains[2].host', message: '"api.github.com" is listed twice' },
      ]);
    });

    it('given only a repeated domain, then duplicate-host', () => {
      const domains = [
        { host: 'api.github.com', ports: [443] },
        { host: 'API.github.com.', ports: [80] },
      ];
      spec
        .given()
        .when(put({ name: 'x', domains }))
        .thenRefuses({ code: 'duplicate-host', path: 'domains[1].host' });
    });

    it('given a member, then attaching and retiring say what only an admin may do', () => {
      const messages = [
        spec.given(withGithub).when(attach(workspace, member)).thenRefuses({ code: 'not-workspace-admin' }),
        spec.given(withGithub).when(retire(member)).thenRefuses({ code: 'not-workspace-admin' }),
      ].map((error) => error.message);
      expect(messages).toEqual([
        'Only a workspace owner or admin may attach access bundles',
        'Only a workspace owner or admin may retire access bundles',
      ]);
    });

    it('given a body outside the schema, then invalid-document', () => {
      spec
        .given()
        .when(put({ name: '', extra: true } as unknown as AccessBundleDocumentInput))
        .thenRefuses({ code: 'invalid-document', kind: 'validation' });
    });

    it('given a retired bundle, then bundle-retired', () => {
      spec
        .given([created, { type: 'AccessBundleRetired', data: {} }])
        .when(put({ name: 'x' }))
        .thenRefuses({ code: 'bundle-retired', kind: 'conflict' });
    });
  });

  describe('attaching', () => {
    it('given a bundle, when an admin attaches it to the workspace and to a channel, then each is recorded once', () => {
      spec
        .given(withGithub)
        .when(attach(workspace))
        .then([attached(workspace)]);
      spec
        .given(withGithub)
        .when(attach(onChannel('eng')))
        .then([attached(onChannel('eng'))]);
      spec
        .given([...withGithub, attached(workspace)])
        .when(attach(workspace))
        .thenNothing();
      spec
        .given([...withGithub, attached(onChannel('eng'))])
        .when(attach(onChannel('eng')))
        .thenNothing();
      spec
        .given([...withGithub, attached(onChannel('ops'))])
        .when(attach(onChannel('eng')))
        .then([attached(onChannel('eng'))]);
    });

    it('given a channel admin who is no workspace admin, when attaching to their channel, then it is an extension they may not make', () => {
      spec
        .given(withGithub)
        .when(attach(onChannel('eng'), member, { status: 'active', callerRole: 'admin' }))
        .thenRefuses({ code: 'not-workspace-admin', kind: 'forbidden' });
    });

    it('given no bundle, a retired one, an unknown or an archived channel, then each is refused', () => {
      const messages = [
        spec.given().when(attach(workspace)).thenRefuses({ code: 'bundle-not-found', kind: 'not_found' }),
        spec
          .given([created, { type: 'AccessBundleRetired', data: {} }])
          .when(attach(workspace))
          .thenRefuses({ code: 'bundle-retired', kind: 'conflict' }),
        spec
          .given(withGithub)
          .when(attach(onChannel('eng'), admin, { status: 'absent' }))
          .thenRefuses({ code: 'channel-not-found', kind: 'not_found' }),
        spec
          .given(withGithub)
          .when(attach(onChannel('eng'), admin, { status: 'archived', callerRole: null }))
          .thenRefuses({ code: 'channel-archived', kind: 'conflict' }),
      ].map((error) => error.message);
      expect(messages).toEqual([
        'Access bundle not found',
        'The access bundle is retired; create another',
        'Channel not found',
        'The channel is archived',
      ]);
    });

    it('given the workspace scope, then no channel is consulted', () => {
      spec
        .given(withGithub)
        .when(attach(workspace, admin, { status: 'absent' }))
        .then([attached(workspace)]);
    });

    it('then the state lists where it is attached, channels sorted', () => {
      const state = spec
        .given([...withGithub, attached(onChannel('ops')), attached(workspace)])
        .when(attach(onChannel('eng')))
        .thenState();
      expect(state).toMatchObject({ attachedTo: { workspace: true, channels: ['eng', 'ops'] } });
    });
  });

  describe('detaching', () => {
    const everywhere = [
      ...withGithub,
      attached(workspace),
      attached(onChannel('eng')),
      attached(onChannel('ops')),
    ];

    it('given a bundle attached in three scopes, when one channel is detached, then only that scope is', () => {
      spec
        .given(everywhere)
        .when(detach(onChannel('eng')))
        .then([{ type: 'AccessBundleDetached', data: onChannel('eng') }]);
      const state = spec
        .given(everywhere)
        .when(detach(onChannel('eng')))
        .thenState();
      expect(state).toMatchObject({ attachedTo: { workspace: true, channels: ['ops'] } });
      const detachedWorkspace = spec.given(everywhere).when(detach(workspace)).thenState();
      expect(detachedWorkspace).toMatchObject({ attachedTo: { workspace: false, channels: ['eng', 'ops'] } });
    });

    it('given a channel admin, when detaching from their own channel, then it is allowed (it only takes away)', () => {
      spec
        .given(everywhere)
        .when(detach(onChannel('eng'), member, { status: 'active', callerRole: 'admin' }))
        .then([{ type: 'AccessBundleDetached', data: onChannel('eng') }]);
    });

    it('given a channel admin, when detaching from the workspace or from a channel they do not administer, then refused', () => {
      const channelAdmin: ScopeChannel = { status: 'active', callerRole: 'admin' };
      spec
        .given(everywhere)
        .when(detach(workspace, member, channelAdmin))
        .thenRefuses({ code: 'not-workspace-admin' });
      const error = spec
        .given(everywhere)
        .when(detach(onChannel('eng'), member, { status: 'active', callerRole: 'member' }))
        .thenRefuses({ code: 'not-workspace-admin', kind: 'forbidden' });
      expect(error.message).toBe(
        'Only a workspace owner or admin may detach access bundles from this channel',
      );
      spec
        .given(everywhere)
        .when(detach(onChannel('eng'), member, { status: 'absent' }))
        .thenRefuses({ code: 'channel-not-found', kind: 'not_found' });
    });

    it('given the workspace scope, then no channel is consulted and only a workspace admin may', () => {
      spec
        .given(everywhere)
        .when(detach(workspace, admin, { status: 'absent' }))
        .then([{ type: 'AccessBundleDetached', data: workspace }]);
      const error = spec
        .given(everywhere)
        .when(detach(workspace, member, { status: 'absent' }))
        .thenRefuses({ code: 'not-workspace-admin' });
      expect(error.message).toBe(
        'Only a workspace owner or admin may detach access bundles from the workspace',
      );
    });

    it('given a scope it is not attached to, then nothing; given no bundle, then bundle-not-found', () => {
      spec
        .given(withGithub)
        .when(detach(onChannel('eng')))
        .thenNothing();
      spec.given(withGithub).when(detach(workspace)).thenNothing();
      spec.given().when(detach(workspace)).thenRefuses({ code: 'bundle-not-found', kind: 'not_found' });
    });
  });

  describe('retiring', () => {
    it('given an attached bundle, when retired, then it is detached from every scope first', () => {
      spec
        .given([...withGithub, attached(onChannel('eng')), attached(workspace)])
        .when(retire())
        .then([
          { type: 'AccessBundleDetached', data: workspace },
          { type: 'AccessBundleDetached', data: onChannel('eng') },
          { type: 'AccessBundleRetired', data: {} },
        ]);
      const state = spec
        .given([...withGithub, attached(workspace)])
        .when(retire())
        .thenState();
      expect(state).toMatchObject({ status: 'retired', attachedTo: { workspace: false, channels: [] } });
    });

    it('given a retired bundle, then nothing; given none, then not found; given a member, then refused', () => {
      spec
        .given([created, { type: 'AccessBundleRetired', data: {} }])
        .when(retire())
        .thenNothing();
      spec.given().when(retire()).thenRefuses({ code: 'bundle-not-found' });
      spec
        .given(withGithub)
        .when(retire(member))
        .thenRefuses({ code: 'not-workspace-admin', kind: 'forbidden' });
    });
  });

  it('names its stream by workspace and bundle, and lists attachments workspace first', () => {
    expect(accessBundleStreamId('acme', 'eng-tools')).toBe('access-bundle-acme.eng-tools');
    const state = spec
      .given([...withGithub, attached(onChannel('eng')), attached(workspace)])
      .when(retire())
      .thenState();
    expect(state.status).toBe('retired');
    expect(
      attachmentsOf({
        bundleId: 'b',
        workspaceId: 'acme',
        name: 'b',
        connections: [],
        repositories: [],
        skills: [],
        instructions: '',
        domains: [],
        attachedTo: { workspace: true, channels: ['a', 'b'] },
      }),
    ).toEqual([workspace, onChannel('a'), onChannel('b')]);
  });

  it('given events of a bundle never created, then the state stays absent', () => {
    const state = accessBundleDecider.evolve(accessBundleDecider.initialState(), attached(workspace));
    expect(state).toEqual({ status: 'absent' });
  });
});
