import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { type IdentityApi, problem, startIdentityApi } from './identity-test-kit';

const ws = '/v1/workspaces/acme';

/**
 * The baseline's dry run through the real API: it answers exactly the events the save then records,
 * writes nothing, and refuses what the save refuses (a stale If-Match, a bad document).
 */
describe('agent identity preview (dry run of the baseline PUT)', () => {
  let api: IdentityApi;

  const ok = <T>(response: LightMyRequestResponse, status = 200): T => {
    expect({ status: response.statusCode, body: response.json() }).toMatchObject({ status });
    return response.json<T>();
  };
  const current = async () => {
    const response = await api.call('GET', `${ws}/agent-identity`, { as: 'adam' });
    return { document: ok<Record<string, unknown>>(response), etag: String(response.headers.etag) };
  };

  beforeAll(async () => {
    api = await startIdentityApi({ TEMPORAL_TASK_QUEUE: `preview-${randomUUID()}`, LOG_LEVEL: 'warn' });
    ok(
      await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } }),
      201,
    );
    ok(await api.call('PUT', `${ws}/members/adam/roles/admin`, { as: 'root' }));
  }, 120_000);

  afterAll(async () => {
    await api?.app.close();
  });

  it('given a changed document, when an admin previews it, then the events are answered and nothing is written; the save then records the same event types', async () => {
    const before = await current();
    const document = { ...before.document, instructions: 'Be brief.', skills: ['triage'] };

    const preview = ok<{ revision: number; events: Array<{ type: string; data: unknown }> }>(
      await api.call('POST', `${ws}/agent-identity/preview`, { as: 'adam', body: document }),
    );

    expect(preview.events).toContainEqual({
      type: 'StandingInstructionsChanged',
      data: { instructions: 'Be brief.' },
    });
    expect(`"${preview.revision}"`).toBe(before.etag);
    expect((await current()).etag).toBe(before.etag);
    const saved = ok<{ events: string[] }>(
      await api.call('PUT', `${ws}/agent-identity`, {
        as: 'adam',
        headers: { 'if-match': before.etag },
        body: document,
      }),
    );
    expect(saved.events).toEqual(preview.events.map((event) => event.type));
  });

  it('given a stale If-Match, when an admin previews, then it is refused as the save would be (409 revision-mismatch)', async () => {
    const response = await api.call('POST', `${ws}/agent-identity/preview`, {
      as: 'adam',
      headers: { 'if-match': '"0"' },
      body: (await current()).document,
    });

    expect({ status: response.statusCode, code: response.json<{ code: string }>().code }).toEqual({
      status: 409,
      code: 'revision-mismatch',
    });
  });

  it('given a document outside the schema, when an admin previews it, then it is a 400 problem naming the field', async () => {
    const response = await api.call('POST', `${ws}/agent-identity/preview`, {
      as: 'adam',
      body: { instructions: 42 },
    });

    expect(JSON.stringify(problem(response, 400))).toContain('instructions');
  });
});
