import { createHash } from 'node:crypto';
import { type IdentityApi, problem, startIdentityApi } from './identity-test-kit';

const runtime = { as: 'agent-runtime', scopes: ['agent-actions:record'] };
const checker = { as: 'agent-runtime', scopes: ['permissions:check'] };
const digest = createHash('sha256').update('customer-42/preferences').digest('hex');
const update = {
  namespace: 'channel:eng',
  keyDigest: digest,
  sizeBytes: 512,
  operation: 'write',
  invokedBy: 'bob',
};
const events = (channel: string) => `/v1/workspaces/acme/channels/${channel}/memory-events`;

describe('memory writes: memory-check mode and memory-events (real app, SQLite file, HTTP)', () => {
  let api: IdentityApi;

  beforeAll(async () => {
    api = await startIdentityApi();
    // Given a workspace sharing the namespace "handbook", a public channel eng listing it, a
    // private channel hr listing it too, bob a member of both, and a runtime bound to acme.
    const setup = [
      await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } }),
      await api.call('PUT', '/v1/workspaces/acme/members/bob/roles/member', { as: 'root' }),
      await api.call('PUT', '/v1/workspaces/acme/members/aud/roles/auditor', { as: 'root' }),
      await api.call('PUT', '/v1/workspaces/acme/services/agent-runtime', { as: 'root' }),
      await api.call('PUT', '/v1/workspaces/acme/services/flood-runtime', { as: 'root' }),
      await api.call('PUT', '/v1/workspaces/acme/agent-identity', {
        as: 'root',
        headers: { 'if-match': '"0"' },
        body: { memoryNamespaces: ['handbook', 'runbooks'] },
      }),
      await api.call('POST', '/v1/workspaces/acme/channels', {
        as: 'bob',
        body: { channelId: 'eng', name: 'Engineering', visibility: 'public' },
      }),
      await api.call('POST', '/v1/workspaces/acme/channels', {
        as: 'bob',
        body: { channelId: 'hr', name: 'HR', visibility: 'private' },
      }),
      await api.call('PUT', '/v1/workspaces/acme/channels/eng/memory-scope', {
        as: 'bob',
        body: { sharedNamespaces: ['handbook'] },
      }),
      await api.call('PUT', '/v1/workspaces/acme/channels/hr/memory-scope', {
        as: 'bob',
        body: { sharedNamespaces: ['handbook'] },
      }),
    ];
    expect(setup.map((response) => response.statusCode)).toEqual([
      201, 200, 200, 200, 200, 200, 201, 201, 200, 200,
    ]);
  });

  afterAll(() => api.app.close());

  const memoryCheck = (channel: string, body: object) =>
    api.call('POST', `/v1/workspaces/acme/channels/${channel}/memory-check`, { ...checker, body });
  const record = (channel: string, body: object, caller: { as: string; scopes: string[] } = runtime) =>
    api.call('POST', events(channel), { ...caller, body });

  it('answers memory-check in read mode by default and write mode on request', async () => {
    const readDefault = await memoryCheck('hr', { namespace: 'handbook' });
    const write = await memoryCheck('hr', { namespace: 'handbook', mode: 'write' });
    const publicWrite = await memoryCheck('eng', { namespace: 'handbook', mode: 'write' });
    const otherChannel = await memoryCheck('eng', { namespace: 'channel:hr', mode: 'write' });

    expect(readDefault.json()).toMatchObject({ allowed: true, rule: 'shared-namespace' });
    expect(write.json()).toMatchObject({ allowed: false, rule: 'private-channel-writes-own' });
    expect(publicWrite.json()).toMatchObject({ allowed: true, rule: 'shared-namespace' });
    expect(otherChannel.json()).toMatchObject({ allowed: false, rule: 'other-channel-namespace' });
    const badMode = await memoryCheck('eng', { namespace: 'handbook', mode: 'append' });
    expect(problem(badMode, 400).code).toBe('validation-failed');
  });

  it('lists in effective identity where the agent may read and where it may write', async () => {
    const identity = async (channel: string) =>
      (
        await api.call('GET', `/v1/workspaces/acme/channels/${channel}/effective-identity`, { as: 'root' })
      ).json<{ memory: unknown }>().memory;

    expect(await identity('eng')).toEqual({
      own: 'channel:eng',
      readable: ['channel:eng', 'handbook'],
      writable: ['channel:eng', 'handbook'],
    });
    expect(await identity('hr')).toEqual({
      own: 'channel:hr',
      readable: ['channel:hr', 'handbook'],
      writable: ['channel:hr'],
    });
  });

  it('records an allowed update with its digest, size and invoker, never content, and answers it', async () => {
    const response = await record('eng', { ...update, idempotencyKey: 'run-1:mem-1' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      updateId: expect.any(String),
      idempotencyKey: 'run-1:mem-1',
      allowed: true,
      rule: 'own-namespace',
      reason: 'The channel writes its own namespace',
      position: await api.store.headPosition(),
    });
    const [event] = await api.store.readStream('memory-update-acme.run-1:mem-1');
    expect(event).toMatchObject({
      type: 'MemoryUpdateRecorded',
      actor: { kind: 'service', id: 'agent-runtime' },
      data: {
        request: { channelId: 'eng', ...update },
        recordedBy: { kind: 'service', id: 'agent-runtime' },
      },
    });
  });

  it('records a refused write as denied and answers 403 with the rule', async () => {
    const response = await record('hr', { ...update, namespace: 'handbook', idempotencyKey: 'run-1:mem-2' });

    const refusal = problem(response, 403);
    expect(refusal).toMatchObject({
      code: 'memory-write-denied',
      details: { allowed: false, rule: 'private-channel-writes-own', idempotencyKey: 'run-1:mem-2' },
    });
    const [event] = await api.store.readStream('memory-update-acme.run-1:mem-2');
    expect(event).toMatchObject({
      type: 'MemoryUpdateDenied',
      data: { decision: { rule: 'private-channel-writes-own' } },
    });
    expect(refusal.details?.position).toBe(event.globalPosition);
  });

  it('refuses an invoker the channel does not admit, recorded as denied', async () => {
    const response = await record('hr', {
      ...update,
      namespace: 'channel:hr',
      invokedBy: 'mallory',
      idempotencyKey: 'run-1:mem-3',
    });

    expect(problem(response, 403).details).toMatchObject({ rule: 'private-channel' });
    expect((await api.store.readStream('memory-update-acme.run-1:mem-3'))[0].type).toBe('MemoryUpdateDenied');
  });

  it('refuses a body with content, and a key digest that is not SHA-256 hex, recording nothing', async () => {
    const head = await api.store.headPosition();

    const withContent = await record('eng', {
      ...update,
      content: 'the plan',
      idempotencyKey: 'run-1:mem-4',
    });
    const rawKey = await record('eng', {
      ...update,
      keyDigest: 'customer-42/preferences',
      idempotencyKey: 'run-1:mem-5',
    });

    expect(problem(withContent, 400).code).toBe('validation-failed');
    expect(problem(rawKey, 400)).toMatchObject({
      code: 'malformed-key-digest',
      errors: [{ path: 'body.keyDigest', message: 'not 64 hex digits' }],
    });
    expect(await api.store.headPosition()).toBe(head);
  });

  it('answers a retry with the same key from the record, another update under the key is a conflict', async () => {
    const body = { ...update, operation: 'delete', sizeBytes: 0, idempotencyKey: 'run-2:mem-1' };
    const first = await record('eng', body);
    const head = await api.store.headPosition();

    const retry = await record('eng', { ...body, keyDigest: digest.toUpperCase() });
    const other = await record('eng', { ...body, sizeBytes: 9 });

    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toBe(first.body);
    expect(problem(other, 409).code).toBe('idempotency-key-reused');
    expect(await api.store.headPosition()).toBe(head);
  });

  it('refuses callers without the scope, and an unknown channel', async () => {
    const noScope = await record('eng', { ...update, idempotencyKey: 'run-3:mem-1' }, checker);
    const ghost = await record('ghost', { ...update, idempotencyKey: 'run-3:mem-2' });

    expect(noScope.statusCode).toBe(403);
    expect(problem(ghost, 404).code).toBe('channel-not-found');
  });

  it('shows updates in the audit trail, findable by channel and by who asked', async () => {
    const head = await api.store.headPosition();
    const page = await api.call(
      'GET',
      `/v1/workspaces/acme/audit/events?channel=eng&principal=bob&type=MemoryUpdateRecorded&minPosition=${head}`,
      { as: 'aud' },
    );

    expect(page.statusCode).toBe(200);
    const found = page.json<{ events: { streamId: string }[] }>().events.map((event) => event.streamId);
    expect(found).toEqual(['memory-update-acme.run-2:mem-1', 'memory-update-acme.run-1:mem-1']);
  });

  it('bounds each runtime: beyond 100 updates a second it answers 429 with Retry-After', async () => {
    const flood = { as: 'flood-runtime', scopes: ['agent-actions:record'] };
    const bad = { ...update, keyDigest: 'x' };

    const responses = await Promise.all(
      Array.from({ length: 110 }, (_, index) =>
        record('eng', { ...bad, idempotencyKey: `f:${index}` }, flood),
      ),
    );

    const limited = responses.filter((response) => response.statusCode === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(problem(limited[0], 429).code).toBe('rate-limited');
    expect(Number(limited[0].headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another runtime keeps its own budget.
    expect((await record('eng', { ...update, idempotencyKey: 'run-4:mem-1' })).statusCode).toBe(200);
  });
});
