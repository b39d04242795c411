import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { type IdentityApi, startIdentityApi } from './identity-test-kit';

const ws = '/v1/workspaces/acme';
const policyUrl = `${ws}/approval-policy`;

/** The default rule with a quorum of two: what an admin's edit of the policy looks like. */
const rule = {
  approvers: { roles: ['approver'], principals: [] },
  quorum: 2,
  maxDurationSeconds: 3600,
  approvalTimeoutSeconds: 7200,
  reasonRequired: true,
  ticketPattern: null,
  autoApprove: [],
  breakGlass: null,
};
const edited = { default: rule, overrides: [] };

/**
 * The approval policy as an admin edits it: its revision is the ETag, a dry run through the same
 * decider answers the event a save would record (nothing written), and a save pinned with If-Match
 * is refused when someone saved in between. The channel timeline lists when a channel changed.
 */
describe('approval policy preview and If-Match; the channel timeline', () => {
  let api: IdentityApi;

  const ok = <T>(response: LightMyRequestResponse, status = 200): T => {
    expect({ status: response.statusCode, body: response.json() }).toMatchObject({ status });
    return response.json<T>();
  };
  const code = (response: LightMyRequestResponse) => ({
    status: response.statusCode,
    code: response.json<{ code: string }>().code,
  });
  const policy = async () => {
    const response = await api.call('GET', policyUrl, { as: 'adam' });
    return {
      body: ok<{ policy: { default: { quorum: number } }; revision: number }>(response),
      etag: String(response.headers.etag),
    };
  };

  beforeAll(async () => {
    api = await startIdentityApi({ TEMPORAL_TASK_QUEUE: `policy-${randomUUID()}`, LOG_LEVEL: 'warn' });
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

  it('given the default policy, when an admin previews an edit, then the event is answered with the revision as ETag and nothing is written; the save with that If-Match records it', async () => {
    const before = await policy();
    expect(before.etag).toBe(`"${before.body.revision}"`);

    const response = await api.call('POST', `${policyUrl}/preview`, {
      as: 'adam',
      headers: { 'if-match': before.etag },
      body: edited,
    });
    const preview = ok<{ revision: number; events: { type: string; data: { policy: unknown } }[] }>(response);

    expect(preview.events.map((event) => event.type)).toEqual(['ApprovalPolicySet']);
    expect(preview.events[0].data.policy).toEqual(edited);
    expect(String(response.headers.etag)).toBe(before.etag);
    expect((await policy()).etag).toBe(before.etag);

    const saved = ok<{ events: string[] }>(
      await api.call('PUT', policyUrl, { as: 'adam', headers: { 'if-match': before.etag }, body: edited }),
    );
    expect(saved.events).toEqual(['ApprovalPolicySet']);
    expect((await policy()).body.policy.default.quorum).toBe(2);
  });

  it('given the policy saved since it was read, when the preview or the save carries the old ETag, then 409 revision-mismatch and nothing is written', async () => {
    const stale = (await policy()).etag;
    ok(await api.call('PUT', policyUrl, { as: 'adam', body: { default: { ...rule, quorum: 3 } } }));
    const current = await policy();

    const preview = await api.call('POST', `${policyUrl}/preview`, {
      as: 'adam',
      headers: { 'if-match': stale },
      body: edited,
    });
    const save = await api.call('PUT', policyUrl, {
      as: 'adam',
      headers: { 'if-match': stale },
      body: edited,
    });

    expect(code(preview)).toEqual({ status: 409, code: 'revision-mismatch' });
    expect(code(save)).toEqual({ status: 409, code: 'revision-mismatch' });
    expect((await policy()).etag).toBe(current.etag);
    expect((await policy()).body.policy.default.quorum).toBe(3);
  });

  it('given a member, or a ticket pattern the linear-time engine cannot run, when previewing, then the refusal is the save’s (403; 422 malformed-pattern)', async () => {
    const unrunnable = { default: { ...rule, ticketPattern: '(a)\\1' } };
    const member = await api.call('POST', `${policyUrl}/preview`, { as: 'mia', body: edited });
    const pattern = await api.call('POST', `${policyUrl}/preview`, { as: 'adam', body: unrunnable });
    const save = await api.call('PUT', policyUrl, { as: 'adam', body: unrunnable });

    expect(member.statusCode).toBe(403);
    expect(pattern.statusCode).toBe(422);
    expect(JSON.stringify(pattern.json())).toContain('malformed-pattern');
    expect(code(save)).toEqual(code(pattern));
  });

  it('given a channel changed twice, when its timeline is read, then the instants of its changes are listed oldest first with the event recorded', async () => {
    ok(
      await api.call('PUT', `${ws}/channels/eng/instructions`, {
        as: 'adam',
        body: { mode: 'append', text: 'Be brief.' },
      }),
    );

    const timeline = ok<{ instants: { at: string; position: number; type: string }[]; truncated: boolean }>(
      await api.call('GET', `${ws}/channels/eng/timeline`, { as: 'mia' }),
    );

    const types = timeline.instants.map((instant) => instant.type);
    expect(types).toEqual(expect.arrayContaining(['ChannelCreated', 'ChannelInstructionsSet']));
    expect(types).not.toContain('ApprovalPolicySet');
    const positions = timeline.instants.map((instant) => instant.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(timeline.truncated).toBe(false);
  });
});
