import { deciderSpec } from '@mandate/testing';
import type { WorkspaceRole } from '../common/workspace-role';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import type { Actor } from '../shared';
import type { ChannelCommand } from './channel.commands';
import { channelDecider } from './channel.decider';
import type { ChannelEvent } from './channel.events';

const spec = deciderSpec(channelDecider);
const catalog = createConnectorCatalog();
const now = '2026-11-29T12:00:00.000Z';
const alice: Actor = { kind: 'user', id: 'alice' };
const carol: Actor = { kind: 'user', id: 'carol' };
const dave: Actor = { kind: 'user', id: 'dave' };

type Body<T extends ChannelCommand['type']> = Omit<
  Extract<ChannelCommand, { type: T }>,
  'actor' | 'now' | 'callerRoles' | 'channelId' | 'type'
>;

/** A command on channel `eng` by `actor` holding `callerRoles` in the workspace. */
const as =
  (actor: Actor, callerRoles: WorkspaceRole[]) =>
  <T extends ChannelCommand['type']>(type: T, body: Body<T>): ChannelCommand =>
    ({ type, channelId: 'eng', actor, now, callerRoles, ...body }) as ChannelCommand;

const workspaceAdmin = as(alice, ['admin']);
/** Carol created the channel, so she is its admin, but only a member of the workspace. */
const channelAdmin = as(carol, ['member']);
const member = as(dave, ['member']);

const created: ChannelEvent[] = [
  {
    type: 'ChannelCreated',
    data: { channelId: 'eng', workspaceId: 'acme', name: 'eng', visibility: 'public' },
  },
  { type: 'ChannelMemberAdded', data: { channelId: 'eng', principalId: 'carol', role: 'admin' } },
];
const archived: ChannelEvent[] = [...created, { type: 'ChannelArchived', data: { channelId: 'eng' } }];

const rule = { id: 'infra', connector: 'github', actions: ['write'], resources: ['acme/infra'] };

describe('channel decider', () => {
  describe('CreateChannel', () => {
    it('creates the channel and makes its creator channel admin', () => {
      spec
        .given()
        .when(channelAdmin('CreateChannel', { workspaceId: 'acme', name: ' eng ', visibility: 'public' }))
        .then(created);
    });

    it('refuses someone outside the workspace', () => {
      spec
        .given()
        .when(as(dave, [])('CreateChannel', { workspaceId: 'acme', name: 'eng', visibility: 'private' }))
        .thenRefuses({ code: 'not-workspace-member', kind: 'forbidden' });
    });

    it('refuses an existing channel', () => {
      spec
        .given(created)
        .when(channelAdmin('CreateChannel', { workspaceId: 'acme', name: 'eng', visibility: 'public' }))
        .thenRefuses({ code: 'channel-exists', kind: 'conflict', path: 'channelId' });
    });

    it('refuses an unknown visibility, a malformed workspace id and an empty name', () => {
      const command = channelAdmin('CreateChannel', {
        workspaceId: 'acme',
        name: 'eng',
        visibility: 'public',
      });
      spec
        .given()
        .when({ ...command, visibility: 'secret' } as unknown as ChannelCommand)
        .thenRefuses({ code: 'invalid-visibility' });
      spec
        .given()
        .when({ ...command, workspaceId: 'ACME' } as ChannelCommand)
        .thenRefuses({ code: 'invalid-workspace-id' });
      spec
        .given()
        .when({ ...command, name: ' ' } as ChannelCommand)
        .thenRefuses({ code: 'invalid-name' });
    });

    it('refuses a malformed channel id', () => {
      spec
        .given()
        .when({
          ...channelAdmin('CreateChannel', { workspaceId: 'acme', name: 'eng', visibility: 'public' }),
          channelId: 'Eng!',
        })
        .thenRefuses({ code: 'invalid-channel-id', kind: 'validation' });
    });
  });

  describe('ArchiveChannel', () => {
    it('archives for a channel admin', () => {
      spec
        .given(created)
        .when(channelAdmin('ArchiveChannel', {}))
        .then([{ type: 'ChannelArchived', data: { channelId: 'eng' } }]);
    });

    it('refuses a plain member', () => {
      spec
        .given(created)
        .when(member('ArchiveChannel', {}))
        .thenRefuses({ code: 'not-channel-admin', kind: 'forbidden' });
    });

    it('refuses any change once archived', () => {
      spec
        .given(archived)
        .when(channelAdmin('ArchiveChannel', {}))
        .thenRefuses({ code: 'channel-archived', kind: 'conflict' });
      spec
        .given(archived)
        .when(channelAdmin('AddChannelMember', { principalId: 'dave', role: 'member' }))
        .thenRefuses({ code: 'channel-archived' });
    });

    it('refuses an unknown channel', () => {
      spec
        .given()
        .when(channelAdmin('ArchiveChannel', {}))
        .thenRefuses({ code: 'channel-not-found', kind: 'not_found' });
    });
  });

  describe('members', () => {
    it('adds, changes and removes members', () => {
      const added: ChannelEvent = {
        type: 'ChannelMemberAdded',
        data: { channelId: 'eng', principalId: 'dave', role: 'member' },
      };
      spec
        .given(created)
        .when(channelAdmin('AddChannelMember', { principalId: 'dave', role: 'member' }))
        .then([added]);
      spec
        .given([...created, added])
        .when(channelAdmin('AddChannelMember', { principalId: 'dave', role: 'member' }))
        .thenNothing();
      spec
        .given([...created, added])
        .when(workspaceAdmin('AddChannelMember', { principalId: 'dave', role: 'admin' }))
        .then([
          {
            type: 'ChannelMemberRoleChanged',
            data: { channelId: 'eng', principalId: 'dave', role: 'admin' },
          },
        ]);
      spec
        .given([...created, added])
        .when(channelAdmin('RemoveChannelMember', { principalId: 'dave' }))
        .then([{ type: 'ChannelMemberRemoved', data: { channelId: 'eng', principalId: 'dave' } }]);
      spec
        .given(created)
        .when(channelAdmin('RemoveChannelMember', { principalId: 'dave' }))
        .thenNothing();
    });

    it('refuses a plain member managing members', () => {
      spec
        .given(created)
        .when(member('AddChannelMember', { principalId: 'eve', role: 'admin' }))
        .thenRefuses({ code: 'not-channel-admin' });
    });
  });

  describe('extend', () => {
    it('lets a workspace admin extend, normalizing the rule', () => {
      spec
        .given(created)
        .when(
          workspaceAdmin('ExtendChannel', {
            catalog,
            rule: { ...rule, actions: ['write', 'read', 'write'] },
          }),
        )
        .then([
          {
            type: 'ChannelExtensionAdded',
            data: { channelId: 'eng', rule: { ...rule, actions: ['read', 'write'] } },
          },
        ]);
    });

    it('refuses widening by a channel admin', () => {
      spec
        .given(created)
        .when(channelAdmin('ExtendChannel', { catalog, rule }))
        .thenRefuses({ code: 'forbidden-widening', kind: 'forbidden', path: 'rule' });
    });

    it('refuses an unknown connector, naming the field', () => {
      spec
        .given(created)
        .when(workspaceAdmin('ExtendChannel', { catalog, rule: { ...rule, connector: 'gitlab' } }))
        .thenRefuses({ code: 'unknown-connector', kind: 'unprocessable', path: 'rule.connector' });
    });

    it('refuses a malformed pattern', () => {
      spec
        .given(created)
        .when(workspaceAdmin('ExtendChannel', { catalog, rule: { ...rule, resources: ['acme/in*'] } }))
        .thenRefuses({ code: 'malformed-pattern', path: 'rule.resources[0]' });
    });

    it('refuses a rule of the wrong shape, naming the field', () => {
      spec
        .given(created)
        .when(workspaceAdmin('ExtendChannel', { catalog, rule: { ...rule, resources: [] } }))
        .thenRefuses({ code: 'invalid-rule', kind: 'validation', path: 'rule.resources' });
    });

    it('refuses a rule id already used', () => {
      spec
        .given([...created, { type: 'ChannelExtensionAdded', data: { channelId: 'eng', rule } }])
        .when(workspaceAdmin('ExtendChannel', { catalog, rule }))
        .thenRefuses({ code: 'rule-exists', kind: 'unprocessable', path: 'rule.id' });
    });

    it('lets a channel admin remove an extension, and refuses an unknown one', () => {
      spec
        .given([...created, { type: 'ChannelExtensionAdded', data: { channelId: 'eng', rule } }])
        .when(channelAdmin('RemoveChannelExtension', { ruleId: 'infra' }))
        .then([{ type: 'ChannelExtensionRemoved', data: { channelId: 'eng', ruleId: 'infra' } }]);
      spec
        .given(created)
        .when(channelAdmin('RemoveChannelExtension', { ruleId: 'infra' }))
        .thenRefuses({ code: 'rule-not-found', path: 'ruleId' });
    });
  });

  describe('restrict', () => {
    it('lets a channel admin restrict and lift the restriction', () => {
      const restricted: ChannelEvent = { type: 'ChannelRestrictionAdded', data: { channelId: 'eng', rule } };
      spec.given(created).when(channelAdmin('RestrictChannel', { catalog, rule })).then([restricted]);
      spec
        .given([...created, restricted])
        .when(channelAdmin('RemoveChannelRestriction', { ruleId: 'infra' }))
        .then([{ type: 'ChannelRestrictionRemoved', data: { channelId: 'eng', ruleId: 'infra' } }]);
    });

    it('refuses a plain member', () => {
      spec
        .given(created)
        .when(member('RestrictChannel', { catalog, rule }))
        .thenRefuses({ code: 'not-channel-admin' });
    });

    it('refuses an unknown action', () => {
      spec
        .given(created)
        .when(channelAdmin('RestrictChannel', { catalog, rule: { ...rule, actions: ['push'] } }))
        .thenRefuses({ code: 'unknown-action', path: 'rule.actions[0]' });
    });
  });

  describe('forbid', () => {
    const forbidden: ChannelEvent = { type: 'ChannelForbidAdded', data: { channelId: 'eng', rule } };

    it('lets a workspace admin forbid and lift it', () => {
      spec.given(created).when(workspaceAdmin('ForbidInChannel', { catalog, rule })).then([forbidden]);
      spec
        .given([...created, forbidden])
        .when(workspaceAdmin('RemoveChannelForbid', { ruleId: 'infra' }))
        .then([{ type: 'ChannelForbidRemoved', data: { channelId: 'eng', ruleId: 'infra' } }]);
    });

    it('refuses a channel admin forbidding', () => {
      spec
        .given(created)
        .when(channelAdmin('ForbidInChannel', { catalog, rule }))
        .thenRefuses({ code: 'not-workspace-admin', kind: 'forbidden' });
    });

    it('refuses a channel admin lifting a forbid', () => {
      spec
        .given([...created, forbidden])
        .when(channelAdmin('RemoveChannelForbid', { ruleId: 'infra' }))
        .thenRefuses({ code: 'forbidden-widening', path: 'ruleId' });
    });
  });

  describe('instructions and skills', () => {
    it('sets, keeps and clears instructions', () => {
      const set: ChannelEvent = {
        type: 'ChannelInstructionsSet',
        data: { channelId: 'eng', instructions: { mode: 'append', text: 'Use the eng runbooks.' } },
      };
      spec
        .given(created)
        .when(
          channelAdmin('SetChannelInstructions', {
            instructions: { mode: 'append', text: 'Use the eng runbooks.' },
          }),
        )
        .then([set]);
      spec
        .given([...created, set])
        .when(
          channelAdmin('SetChannelInstructions', {
            instructions: { mode: 'append', text: 'Use the eng runbooks.' },
          }),
        )
        .thenNothing();
      spec
        .given([...created, set])
        .when(channelAdmin('SetChannelInstructions', { instructions: null }))
        .then([{ type: 'ChannelInstructionsSet', data: { channelId: 'eng', instructions: null } }]);
    });

    it('refuses an unknown instructions mode', () => {
      spec
        .given(created)
        .when(
          channelAdmin('SetChannelInstructions', { instructions: { mode: 'prepend', text: 'x' } } as never),
        )
        .thenRefuses({ code: 'invalid-instructions', path: 'mode' });
    });

    it('refuses a plain member changing instructions', () => {
      spec
        .given(created)
        .when(member('SetChannelInstructions', { instructions: null }))
        .thenRefuses({ code: 'not-channel-admin' });
    });

    it('switches skills on and off, and back to inherit', () => {
      const on: ChannelEvent = {
        type: 'ChannelSkillOverrideSet',
        data: { channelId: 'eng', skill: 'deploy', state: 'on' },
      };
      spec
        .given(created)
        .when(channelAdmin('SetChannelSkill', { skill: 'deploy', state: 'on' }))
        .then([on]);
      spec
        .given([...created, on])
        .when(channelAdmin('SetChannelSkill', { skill: 'deploy', state: 'on' }))
        .thenNothing();
      spec
        .given(created)
        .when(channelAdmin('SetChannelSkill', { skill: 'deploy', state: 'inherit' }))
        .thenNothing();
      const state = spec
        .given([...created, on])
        .when(channelAdmin('SetChannelSkill', { skill: 'deploy', state: 'inherit' }))
        .thenState();
      expect(state).toMatchObject({ skills: {} });
    });

    it('refuses a malformed skill name', () => {
      spec
        .given(created)
        .when(channelAdmin('SetChannelSkill', { skill: 'Deploy Now', state: 'on' }))
        .thenRefuses({ code: 'invalid-skill' });
    });
  });

  describe('memory scope', () => {
    const namespaces = {
      handbook: 'workspace',
      'channel:design': 'public-channel',
      'channel:hr': 'private-channel',
    } as const;

    it('lists workspace and public channel namespaces', () => {
      spec
        .given(created)
        .when(
          channelAdmin('SetChannelMemoryScope', {
            sharedNamespaces: ['handbook', 'channel:design', 'channel:eng'],
            namespaces,
          }),
        )
        .then([
          {
            type: 'ChannelMemoryScopeChanged',
            data: { channelId: 'eng', sharedNamespaces: ['channel:design', 'handbook'] },
          },
        ]);
    });

    it('writes nothing when the scope is unchanged', () => {
      spec
        .given([
          ...created,
          { type: 'ChannelMemoryScopeChanged', data: { channelId: 'eng', sharedNamespaces: ['handbook'] } },
        ])
        .when(channelAdmin('SetChannelMemoryScope', { sharedNamespaces: ['handbook'], namespaces }))
        .thenNothing();
    });

    it("refuses sharing a private channel's namespace", () => {
      spec
        .given(created)
        .when(
          channelAdmin('SetChannelMemoryScope', { sharedNamespaces: ['handbook', 'channel:hr'], namespaces }),
        )
        .thenRefuses({
          code: 'private-namespace-not-shareable',
          kind: 'unprocessable',
          path: 'sharedNamespaces[1]',
        });
    });

    it('refuses an unknown namespace', () => {
      spec
        .given(created)
        .when(channelAdmin('SetChannelMemoryScope', { sharedNamespaces: ['wiki'], namespaces }))
        .thenRefuses({ code: 'unknown-namespace', path: 'sharedNamespaces[0]' });
    });
  });

  describe('invoke policy', () => {
    it('sets a channel policy, ignores an equal one and resets to the workspace policy', () => {
      const set: ChannelEvent = {
        type: 'ChannelInvokePolicyChanged',
        data: {
          channelId: 'eng',
          policy: { roles: [], groups: ['sre'], principals: [], channelMembers: true },
        },
      };
      spec
        .given(created)
        .when(
          channelAdmin('SetChannelInvokePolicy', {
            policy: { roles: [], groups: ['sre'], principals: [], channelMembers: true },
          }),
        )
        .then([set]);
      spec
        .given([...created, set])
        .when(
          channelAdmin('SetChannelInvokePolicy', {
            policy: { roles: [], groups: ['sre', 'sre'], principals: [], channelMembers: true },
          }),
        )
        .thenNothing();
      spec
        .given([...created, set])
        .when(channelAdmin('SetChannelInvokePolicy', { policy: null }))
        .then([{ type: 'ChannelInvokePolicyChanged', data: { channelId: 'eng', policy: null } }]);
      spec
        .given(created)
        .when(channelAdmin('SetChannelInvokePolicy', { policy: null }))
        .thenNothing();
    });

    it('refuses a plain member', () => {
      spec
        .given(created)
        .when(member('SetChannelInvokePolicy', { policy: null }))
        .thenRefuses({ code: 'not-channel-admin' });
    });
  });
});
