import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { type IdentityApi, startIdentityApi } from './identity-test-kit';

const ws = '/v1/workspaces/acme';
const eng = `${ws}/channels/eng`;
const rule = { id: 'no-prod', connector: 'github', actions: ['write'], resources: ['acme/prod'] };

/**
 * A channel override change, previewed by the channel's own decider (nothing written) and saved
 * pinned with If-Match: a change made since the channel was read is a conflict, not an overwrite.
 */
describe('channel override preview and If-Match on override changes', () => {
  let api: IdentityApi;

  const ok = <T>(response: LightMyRequestResponse, status = 200): T => {
    expect({ status: response.statusCode, body: response.json() }).toMatchObject({ status });
    return response.json<T>();
  };
  const channel = async () => {
    const response = await api.call('GET', eng, { as: 'adam' });
    return {
      body: ok<{ forbidden: { id: string }[]; revision: number }>(response),
      etag: String(response.headers.etag),
    };
  };
  const code = (response: LightMyRequestResponse) => ({
    status: response.statusCode,
    code: response.json<{ code: string }>().code,
  });

  beforeAll(async () => {
    api = await startIdentityApi({ TEMPORAL_TASK_QUEUE: `overrides-${randomUUID()}`, LOG_LEVEL: 'warn' });
    ok(
      await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } }),
      201,
    );
    ok(await api.call('PUT', `${ws}/members/adam/roles/admin`, { as: 'root' }));
    ok(await api.call('PUT', `${ws}/members/mia/roles/member`, { as: 'root' }));
    ok(
      await api.call('POST', `${ws}/channels`, {
        as: 'adam',
        body: { channelId: 'eng', name: 'Eng', visibility: 'public' },
      }),
      201,
    );
  }, 120_000);

  afterAll(async () => {
    await api?.app.close();
  });

  it('given a forbid to add, when an admin previews it, then the event is answered with the revision as ETag and nothing is written; the save with that If-Match records it', async () => {
    const before = await channel();

    const response = await api.call('POST', `${eng}/overrides/preview`, {
      as: 'adam',
      body: { change: { type: 'ForbidInChannel', rule } },
    });
    const preview = ok<{ revision: number; events: { type: string; data: unknown }[] }>(response);

    expect(preview.events.map((event) => event.type)).toEqual(['ChannelForbidAdded']);
    expect(String(response.headers.etag)).toBe(before.etag);
    expect(before.etag).toBe(`"${before.body.revision}"`);
    expect((await channel()).etag).toBe(before.etag);
    const saved = ok<{ events: string[] }>(
      await api.call('POST', `${eng}/forbidden`, {
        as: 'adam',
        headers: { 'if-match': before.etag },
        body: { rule },
      }),
      201,
    );
    expect(saved.events).toEqual(preview.events.map((event) => event.type));
    expect((await channel()).body.forbidden.map((forbid) => forbid.id)).toEqual(['no-prod']);
  });

  it('given the channel changed since it was read, when a change or its preview carries the old ETag, then 409 revision-mismatch and nothing is written', async () => {
    const stale = (await channel()).etag;
    ok(
      await api.call('POST', `${eng}/restrictions`, {
        as: 'adam',
        body: { rule: { ...rule, id: 'read-only', actions: ['admin'] } },
      }),
      201,
    );
    const revision = (await channel()).etag;

    const preview = await api.call('POST', `${eng}/overrides/preview`, {
      as: 'adam',
      headers: { 'if-match': stale },
      body: { change: { type: 'RemoveChannelForbid', ruleId: 'no-prod' } },
    });
    const remove = await api.call('DELETE', `${eng}/forbidden/no-prod`, {
      as: 'adam',
      headers: { 'if-match': stale },
    });

    expect(code(preview)).toEqual({ status: 409, code: 'revision-mismatch' });
    expect(code(remove)).toEqual({ status: 409, code: 'revision-mismatch' });
    expect((await channel()).etag).toBe(revision);
    expect((await channel()).body.forbidden.map((forbid) => forbid.id)).toEqual(['no-prod']);
  });

  it('given a member who may not forbid, when previewing a forbid, then the decider refuses it as the change would be (403)', async () => {
    const response = await api.call('POST', `${eng}/overrides/preview`, {
      as: 'mia',
      body: { change: { type: 'ForbidInChannel', rule: { ...rule, id: 'other' } } },
    });

    expect(response.statusCode).toBe(403);
  });

  it('given a change outside the grammar, when previewing it, then 400 and a malformed If-Match is refused too', async () => {
    const unknown = await api.call('POST', `${eng}/overrides/preview`, {
      as: 'adam',
      body: { change: { type: 'ArchiveChannel' } },
    });
    const malformed = await api.call('POST', `${eng}/overrides/preview`, {
      as: 'adam',
      headers: { 'if-match': 'yesterday' },
      body: { change: { type: 'ForbidInChannel', rule } },
    });

    expect(unknown.statusCode).toBe(400);
    expect(code(malformed)).toEqual({ status: 400, code: 'invalid-if-match' });
  });

  it('given an invoke policy and instructions to set, when previewed, then their events are answered and nothing is written; each save pinned with a stale If-Match is 409', async () => {
    const before = await channel();
    const invokePolicy = { roles: ['approver'], groups: [], principals: ['mia'], channelMembers: true };

    const previews = await Promise.all(
      [
        { type: 'SetChannelInvokePolicy', policy: invokePolicy },
        { type: 'SetChannelInstructions', instructions: { mode: 'replace', text: 'Only triage.' } },
        { type: 'SetChannelSkill', skill: 'code-review', state: 'off' },
        { type: 'SetChannelMemoryScope', sharedNamespaces: [] },
      ].map(async (change) =>
        ok<{ events: { type: string }[] }>(
          await api.call('POST', `${eng}/overrides/preview`, {
            as: 'adam',
            headers: { 'if-match': before.etag },
            body: { change },
          }),
        ),
      ),
    );

    expect(previews.map((preview) => preview.events.map((event) => event.type))).toEqual([
      ['ChannelInvokePolicyChanged'],
      ['ChannelInstructionsSet'],
      ['ChannelSkillOverrideSet'],
      [],
    ]);
    expect((await channel()).etag).toBe(before.etag);
    ok(
      await api.call('PUT', `${eng}/invoke-policy`, {
        as: 'adam',
        headers: { 'if-match': before.etag },
        body: invokePolicy,
      }),
    );
    const stale = await api.call('PUT', `${eng}/instructions`, {
      as: 'adam',
      headers: { 'if-match': before.etag },
      body: { mode: 'replace', text: 'Only triage.' },
    });
    expect(code(stale)).toEqual({ status: 409, code: 'revision-mismatch' });
    expect((await channel()).body).toMatchObject({ invokePolicy, instructions: null });
  });
});
