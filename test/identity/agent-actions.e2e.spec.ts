import { IdentityLog } from '../../libs/projections/test/identity-log';
import { type IdentityApi, problem, startIdentityApi } from './identity-test-kit';

const runtime = { as: 'agent-runtime', scopes: ['agent-actions:record'] };
const url = '/v1/workspaces/acme/agent-actions';
const request = {
  channelId: 'eng',
  connector: 'github',
  action: 'read',
  resource: 'acme/api',
  invokedBy: 'bob',
};

describe('agent actions API (real app, SQLite file, HTTP)', () => {
  let api: IdentityApi;

  beforeAll(async () => {
    api = await startIdentityApi();
    // Given a workspace whose baseline allows github write on acme/* except acme/secrets,
    // a public channel, and bob as a member (the default invoke policy admits members).
    const setup = [
      await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } }),
      await api.call('PUT', '/v1/workspaces/acme/members/bob/roles/member', { as: 'root' }),
      await api.call('PUT', '/v1/workspaces/acme/members/dave/roles/auditor', { as: 'root' }),
      await api.call('PUT', '/v1/workspaces/acme/services/agent-runtime', { as: 'root' }),
      await api.call('PUT', '/v1/workspaces/acme/services/other-runtime', { as: 'root' }),
      await api.call('PUT', '/v1/workspaces/acme/agent-identity', {
        as: 'root',
        headers: { 'if-match': '"0"' },
        body: {
          connections: [
            {
              id: 'github-main',
              connector: 'github',
              account: 'app:bot',
              actions: ['write'],
              resources: ['acme/*'],
            },
          ],
          forbidden: [
            { id: 'no-secrets', connector: 'github', actions: ['read'], resources: ['acme/secrets'] },
          ],
        },
      }),
      await api.call('POST', '/v1/workspaces/acme/channels', {
        as: 'bob',
        body: { channelId: 'eng', name: 'Engineering', visibility: 'public' },
      }),
    ];
    expect(setup.map((response) => response.statusCode)).toEqual([201, 200, 200, 200, 200, 200, 201]);
  });

  afterAll(() => api.app.close());

  const record = (body: Record<string, unknown>, caller: { as?: string; scopes?: string[] } = runtime) =>
    api.call('POST', url, { ...caller, body });

  it('authorizes an action the baseline allows and records it with the provenance', async () => {
    const response = await record({ ...request, idempotencyKey: 'run-1:step-1' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      actionId: expect.any(String),
      idempotencyKey: 'run-1:step-1',
      allowed: true,
      reason: expect.stringContaining('github-main'),
      provenance: {
        layer: 'baseline',
        rule: 'workspace/connections/github-main',
        pattern: 'acme/*',
        bundle: 'baseline',
        scope: 'workspace',
      },
      position: await api.store.headPosition(),
    });
    const [event] = await api.store.readStream('agent-action-acme.run-1:step-1');
    expect(event).toMatchObject({
      type: 'AgentActionAuthorized',
      actor: { kind: 'service', id: 'agent-runtime' },
      data: { request },
    });
  });

  it('denies a forbidden resource and an invoker the policy does not admit, recording both', async () => {
    const forbidden = await record({ ...request, resource: 'acme/secrets', idempotencyKey: 'run-1:step-2' });
    const outsider = await record({ ...request, invokedBy: 'mallory', idempotencyKey: 'run-1:step-3' });

    expect(forbidden.json()).toMatchObject({
      allowed: false,
      provenance: { layer: 'forbid', rule: 'workspace/forbidden/no-secrets' },
    });
    expect(outsider.json()).toMatchObject({ allowed: false, provenance: { layer: 'invoke' } });
    const types = (await api.store.readAll()).slice(-2).map((event) => event.type);
    expect(types).toEqual(['AgentActionDenied', 'AgentActionDenied']);
  });

  it('answers a retry with the same key identically and records nothing new, even after a change', async () => {
    const first = await record({ ...request, idempotencyKey: 'run-2:step-1' });
    await api.call('POST', '/v1/workspaces/acme/channels/eng/restrictions', {
      as: 'bob',
      body: { rule: { id: 'no-api', connector: 'github', actions: ['read'], resources: ['acme/api'] } },
    });
    const head = await api.store.headPosition();

    const retry = await record({ ...request, idempotencyKey: 'run-2:step-1' });

    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toBe(first.body);
    expect(await api.store.headPosition()).toBe(head);
    const fresh = await record({ ...request, idempotencyKey: 'run-2:step-2' });
    expect(fresh.json()).toMatchObject({ allowed: false, provenance: { layer: 'restrict' } });
  });

  it('authorizes through an active JIT grant despite the restriction, naming the grant; an expired one never', async () => {
    const log = new IdentityLog(api.store);
    const grant = { channelId: 'eng', connector: 'github', actions: ['read'] };
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    await log.grant('acme', { ...grant, grantId: 'grant-1', resources: ['acme/api'], expiresAt });
    await log.grant('acme', {
      ...grant,
      grantId: 'grant-0',
      resources: ['other/repo'],
      expiresAt: new Date(Date.now() - 1_000).toISOString(),
    });

    const granted = await record({ ...request, idempotencyKey: 'run-3:step-1' });
    const expired = await record({ ...request, resource: 'other/repo', idempotencyKey: 'run-3:step-2' });

    expect(granted.json()).toMatchObject({
      allowed: true,
      provenance: { layer: 'jit', grantId: 'grant-1', expiresAt },
    });
    expect(expired.json()).toMatchObject({ allowed: false, provenance: { layer: 'default' } });
  });

  it('records one action for concurrent calls with the same key, and gives each the same answer', async () => {
    const body = { ...request, idempotencyKey: 'run-4:step-1' };

    const responses = await Promise.all(Array.from({ length: 8 }, () => record(body)));

    expect(new Set(responses.map((response) => response.statusCode))).toEqual(new Set([200]));
    expect(new Set(responses.map((response) => response.body)).size).toBe(1);
    expect(await api.store.readStream('agent-action-acme.run-4:step-1')).toHaveLength(1);
  });

  it("follows the channel's invoke policy: a group member may invoke the agent there, others not", async () => {
    const setup = [
      await api.call('POST', '/v1/workspaces/acme/groups', {
        as: 'root',
        body: { groupId: 'sre', name: 'SRE' },
      }),
      await api.call('PUT', '/v1/workspaces/acme/groups/sre/members/erin', { as: 'root' }),
      await api.call('POST', '/v1/workspaces/acme/channels', {
        as: 'root',
        body: { channelId: 'ops', name: 'Operations', visibility: 'public' },
      }),
      await api.call('PUT', '/v1/workspaces/acme/channels/ops/invoke-policy', {
        as: 'root',
        body: { groups: ['sre'] },
      }),
    ];
    expect(setup.map((response) => response.statusCode)).toEqual([201, 200, 201, 200]);

    const byGroupMember = await record({
      ...request,
      channelId: 'ops',
      invokedBy: 'erin',
      idempotencyKey: 'ops-1',
    });
    const byOther = await record({ ...request, channelId: 'ops', invokedBy: 'bob', idempotencyKey: 'ops-2' });

    expect(byGroupMember.json()).toMatchObject({ allowed: true, provenance: { layer: 'baseline' } });
    expect(byOther.json()).toMatchObject({
      allowed: false,
      provenance: { layer: 'invoke', rule: 'channel-invoke-policy' },
    });
  });

  it('refuses the same key for a different action', async () => {
    const response = await record({ ...request, resource: 'acme/web', idempotencyKey: 'run-1:step-1' });

    const refusal = problem(response, 409);
    expect(refusal.code).toBe('idempotency-key-reused');
    expect(refusal.errors?.[0]?.path).toBe('body.idempotencyKey');
  });

  it('records the outcome once; the same outcome again writes nothing, another one conflicts', async () => {
    const outcome = `${url}/run-1:step-1/outcome`;

    const completed = await api.call('POST', outcome, {
      ...runtime,
      body: { outcome: 'completed', detail: 'ok' },
    });
    const again = await api.call('POST', outcome, {
      ...runtime,
      body: { outcome: 'completed', detail: 'ok' },
    });
    const failed = await api.call('POST', outcome, {
      ...runtime,
      body: { outcome: 'failed', error: 'HTTP 502' },
    });

    expect(completed.json()).toMatchObject({ revision: 2, events: ['AgentActionCompleted'] });
    expect(again.json()).toMatchObject({ revision: 2, events: [] });
    expect(problem(failed, 409).code).toBe('outcome-already-recorded');
    const view = await api.call('GET', `${url}/run-1:step-1`, { as: 'dave' });
    expect(view.json()).toMatchObject({
      status: 'authorized',
      request,
      outcome: { outcome: 'completed', detail: 'ok' },
      revision: 2,
    });
  });

  it('refuses the outcome of an action another service recorded, even one bound to the same workspace', async () => {
    await record({ ...request, idempotencyKey: 'run-3:step-1' });
    const outcome = `${url}/run-3:step-1/outcome`;

    const byOther = await api.call('POST', outcome, {
      as: 'other-runtime',
      scopes: ['agent-actions:record'],
      body: { outcome: 'failed', error: 'overwritten' },
    });
    const byRecorder = await api.call('POST', outcome, {
      ...runtime,
      body: { outcome: 'completed', detail: 'ok' },
    });

    expect(problem(byOther, 403).code).toBe('not-action-recorder');
    expect(byRecorder.json()).toMatchObject({ events: ['AgentActionCompleted'] });
    const view = await api.call('GET', `${url}/run-3:step-1`, { as: 'dave' });
    expect(view.json()).toMatchObject({ recordedBy: { kind: 'service', id: 'agent-runtime' } });
  });

  it('records a failure, and refuses an outcome for a denied or unknown action', async () => {
    const failed = await api.call('POST', `${url}/run-2:step-1/outcome`, {
      ...runtime,
      body: { outcome: 'failed', error: 'HTTP 502' },
    });
    const denied = await api.call('POST', `${url}/run-1:step-2/outcome`, {
      ...runtime,
      body: { outcome: 'completed' },
    });
    const unknown = await api.call('POST', `${url}/never/outcome`, {
      ...runtime,
      body: { outcome: 'completed' },
    });

    expect(failed.json()).toMatchObject({ events: ['AgentActionFailed'] });
    expect(problem(denied, 409).code).toBe('agent-action-denied');
    expect(problem(unknown, 404).code).toBe('agent-action-not-found');
  });

  it('refuses callers without the agent-actions scope, bad input and unknown workspaces', async () => {
    const body = { ...request, idempotencyKey: 'run-9:step-1' };

    expect(problem(await record(body, {}), 401).code).toBe('missing-token');
    expect(problem(await record(body, { as: 'root' }), 403).code).toBe('forbidden');
    const { invokedBy: _omitted, ...withoutInvoker } = body;
    expect(problem(await record({ ...withoutInvoker, idempotencyKey: 'bad key' }), 400).errors).toEqual([
      { path: 'body.invokedBy', message: expect.any(String) },
      { path: 'body.idempotencyKey', message: expect.any(String) },
    ]);
    const elsewhere = await api.call('POST', '/v1/workspaces/initech/agent-actions', { ...runtime, body });
    expect(problem(elsewhere, 404).code).toBe('workspace-not-found');
    expect(problem(await api.call('GET', `${url}/run-9:step-1`, { as: 'dave' }), 404).code).toBe(
      'agent-action-not-found',
    );
  });
});
