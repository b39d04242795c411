import { type IdentityApi, problem, startIdentityApi } from './identity-test-kit';

/** The body without what differs per request, to compare two refusals byte for byte. */
const stable = (body: string) => body.replace(/"requestId":"[^"]*"|"instance":"[^"]*"/g, '');

describe('a private channel does not exist for members outside it (real app, SQLite file, HTTP)', () => {
  let api: IdentityApi;
  const channels = '/v1/workspaces/acme/channels';

  beforeAll(async () => {
    api = await startIdentityApi();
    await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } });
    for (const member of ['carol', 'dave']) {
      await api.call('PUT', `/v1/workspaces/acme/members/${member}/roles/member`, { as: 'root' });
    }
    const created = await api.call('POST', channels, {
      as: 'carol',
      body: { channelId: 'secret', name: 'Secret', visibility: 'private' },
    });
    expect(created.statusCode).toBe(201);
  });

  afterAll(() => api.app.close());

  it.each([
    ['archive it', 'POST', 'archive', undefined],
    ['add himself as its admin', 'PUT', 'members/dave', { role: 'admin' }],
    ['set its instructions', 'PUT', 'instructions', { mode: 'append', text: 'leak' }],
    [
      'restrict it',
      'POST',
      'restrictions',
      { rule: { id: 'r', connector: 'github', actions: ['read'], resources: ['a/b'] } },
    ],
  ] as const)(
    'given a member outside it, when he tries to %s, then 404 exactly as for a channel that does not exist',
    async (_what, method, path, body) => {
      const existing = await api.call(method, `${channels}/secret/${path}`, { as: 'dave', body });
      const missing = await api.call(method, `${channels}/nowhere/${path}`, { as: 'dave', body });

      expect(problem(existing, 404).code).toBe('channel-not-found');
      expect(stable(existing.body)).toBe(stable(missing.body));
    },
  );

  it('given its admin, when she sets its instructions, then it is done', async () => {
    const response = await api.call('PUT', `${channels}/secret/instructions`, {
      as: 'carol',
      body: { mode: 'append', text: 'Be brief.' },
    });

    expect(response.statusCode).toBe(200);
  });
});
