import { type IdentityApi, problem, startIdentityApi } from './identity-test-kit';

/**
 * Names that a plain JavaScript object answers for without holding them (`constructor`, `toString`,
 * …) or that rewrite its prototype (`__proto__`). Principal ids come from the identity provider and
 * ids are chosen by callers, so each must be an ordinary key everywhere.
 */
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
const ws = '/v1/workspaces/acme';

describe('ids named like Object.prototype members (real app, SQLite file)', () => {
  let api: IdentityApi;

  beforeAll(async () => {
    api = await startIdentityApi();
    // given a workspace with an owner, a member, and a private channel only the owner is in
    expect(
      (await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } }))
        .statusCode,
    ).toBe(201);
    expect((await api.call('PUT', `${ws}/members/mia/roles/member`, { as: 'root' })).statusCode).toBe(200);
    expect(
      (
        await api.call('POST', `${ws}/channels`, {
          as: 'root',
          body: { channelId: 'vault', name: 'Vault', visibility: 'private' },
        })
      ).statusCode,
    ).toBe(201);
  });

  afterAll(() => api.app.close());

  it.each(PROTOTYPE_NAMES)(
    'a principal named %j holds no role until granted one, then exactly that',
    async (name) => {
      // when nobody granted them anything, a token for that subject reaches nothing
      expect(problem(await api.call('GET', ws, { as: name }), 404).code).toBe('workspace-not-found');

      // when an admin grants, then revokes, the member role
      const path = `${ws}/members/${encodeURIComponent(name)}/roles/member`;
      const granted = await api.call('PUT', path, { as: 'root' });
      expect({ status: granted.statusCode, body: granted.json() }).toMatchObject({
        status: 200,
        body: { events: ['MemberRoleGranted'] },
      });
      const members = (await api.call('GET', ws, { as: 'root' })).json<{
        members: { principalId: string; roles: string[] }[];
      }>().members;
      expect(members).toContainEqual({ principalId: name, roles: ['member'] });
      expect((await api.call('GET', ws, { as: name })).statusCode).toBe(200);
      const revoked = await api.call('DELETE', path, { as: 'root' });
      expect({ status: revoked.statusCode, body: revoked.json() }).toMatchObject({
        status: 200,
        body: { events: ['MemberRoleRevoked'] },
      });

      // then the workspace lists no such member any more
      const after = (await api.call('GET', ws, { as: 'root' })).json<{
        members: { principalId: string }[];
      }>();
      expect(after.members.map((member) => member.principalId)).not.toContain(name);
    },
  );

  it.each(PROTOTYPE_NAMES)(
    'a workspace member named %j is not a phantom member of a private channel',
    async (name) => {
      // given that principal is a workspace member, but not in the private channel
      expect(
        (await api.call('PUT', `${ws}/members/${encodeURIComponent(name)}/roles/member`, { as: 'root' }))
          .statusCode,
      ).toBe(200);

      // then the channel is hidden from them, and removing them from it writes nothing
      expect(problem(await api.call('GET', `${ws}/channels/vault`, { as: name }), 404).code).toBe(
        'channel-not-found',
      );
      const removed = await api.call('DELETE', `${ws}/channels/vault/members/${encodeURIComponent(name)}`, {
        as: 'root',
      });
      expect({ status: removed.statusCode, body: removed.json() }).toMatchObject({
        status: 200,
        body: { events: [] },
      });

      // when added as a channel member, they see it, listed once with their role
      const added = await api.call('PUT', `${ws}/channels/vault/members/${encodeURIComponent(name)}`, {
        as: 'root',
        body: { role: 'member' },
      });
      expect(added.statusCode).toBe(200);
      const channel = await api.call('GET', `${ws}/channels/vault`, { as: name });
      expect(channel.statusCode).toBe(200);
      expect(channel.json<{ members: unknown[] }>().members).toContainEqual({
        principalId: name,
        role: 'member',
      });
    },
  );

  it('a group named "constructor" is created once and holds exactly its members', async () => {
    // given no group exists, adding a member to "constructor" is refused as unknown
    expect(
      problem(await api.call('PUT', `${ws}/groups/constructor/members/mia`, { as: 'root' }), 404).code,
    ).toBe('group-not-found');

    // when it is created and mia added
    expect(
      (await api.call('POST', `${ws}/groups`, { as: 'root', body: { groupId: 'constructor', name: 'C' } }))
        .statusCode,
    ).toBe(201);
    expect((await api.call('PUT', `${ws}/groups/constructor/members/mia`, { as: 'root' })).statusCode).toBe(
      200,
    );

    // then the workspace lists it with mia
    const groups = (await api.call('GET', ws, { as: 'root' })).json<{ groups: unknown[] }>().groups;
    expect(groups).toContainEqual({ groupId: 'constructor', name: 'C', members: ['mia'] });
  });

  it('a skill named "constructor" is off only once turned off', async () => {
    const skill = `${ws}/channels/vault/skills/constructor`;
    const on = await api.call('PUT', skill, { as: 'root', body: { state: 'inherit' } });
    expect({ status: on.statusCode, body: on.json() }).toMatchObject({ status: 200, body: { events: [] } });
    const off = await api.call('PUT', skill, { as: 'root', body: { state: 'off' } });
    expect({ status: off.statusCode, body: off.json() }).toMatchObject({
      status: 200,
      body: { events: ['ChannelSkillOverrideSet'] },
    });
  });
});
