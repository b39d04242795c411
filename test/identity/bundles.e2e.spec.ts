import { type IdentityApi, problem, startIdentityApi } from './identity-test-kit';

const gateway = { as: 'tool-gateway', scopes: ['permissions:check'] };
const ws = '/v1/workspaces/acme';
const toolset = {
  name: 'The engineering toolset',
  connections: [
    {
      id: 'gh-eng',
      connector: 'github',
      account: 'app:eng-bot',
      actions: ['write'],
      resources: ['acme/api'],
    },
  ],
  repositories: ['acme/api'],
  skills: ['deploy'],
  instructions: 'Open small pull requests.',
  domains: [{ host: 'registry.npmjs.org', ports: [443] }],
};

describe('access bundles through the API (real app, SQLite file, HTTP)', () => {
  let api: IdentityApi;
  let position = 0;

  /** A write that must succeed; later checks wait for the position it answered. */
  const write = async (method: 'PUT' | 'POST' | 'DELETE', url: string, as: string, options = {}) => {
    const response = await api.call(method, url, { as, ...options });
    expect({ url, status: response.statusCode }).toEqual({ url, status: method === 'POST' ? 201 : 200 });
    position = Math.max(position, response.json<{ position: number }>().position);
    return response;
  };
  const check = async (channelId: string, action = 'write', resource = 'acme/api') => {
    const query = {
      workspaceId: 'acme',
      channelId,
      connector: 'github',
      action,
      resource,
      minPosition: position,
    };
    return (await api.call('POST', '/v1/check', { ...gateway, body: query })).json<{
      allowed: boolean;
      provenance: Record<string, unknown>;
    }>();
  };

  beforeAll(async () => {
    api = await startIdentityApi();
    // Given a workspace whose baseline reads acme/docs, an admin, a member who administers #ops, four channels
    await write('POST', '/v1/workspaces', 'root', { body: { workspaceId: 'acme', name: 'Acme' } });
    await write('PUT', `${ws}/members/alice/roles/admin`, 'root');
    await write('PUT', `${ws}/members/bob/roles/member`, 'alice');
    await write('PUT', `${ws}/members/carl/roles/member`, 'alice');
    await write('PUT', `${ws}/services/tool-gateway`, 'alice');
    await write('PUT', `${ws}/agent-identity`, 'alice', {
      headers: { 'if-match': '"0"' },
      body: {
        connections: [
          { id: 'gh', connector: 'github', account: 'app:bot', actions: ['read'], resources: ['acme/docs'] },
        ],
      },
    });
    for (const channelId of ['eng', 'ops', 'sales', 'design']) {
      await write('POST', `${ws}/channels`, 'alice', {
        body: { channelId, name: channelId, visibility: 'public' },
      });
    }
    await write('PUT', `${ws}/channels/ops/members/bob`, 'alice', { body: { role: 'admin' } });
    await write('PUT', `${ws}/channels/eng/members/carl`, 'alice', { body: { role: 'member' } });
  });

  afterAll(() => api.app.close());

  it('"the engineering toolset" attached to three channels, detached from one: provenance names bundle and scope', async () => {
    // When an admin creates the bundle (If-Match "0": it does not exist yet) and attaches it to three channels
    const created = await write('PUT', `${ws}/bundles/eng-tools`, 'alice', {
      headers: { 'if-match': '"0"' },
      body: toolset,
    });
    expect(created.headers.etag).toBe(`"${created.json<{ revision: number }>().revision}"`);
    for (const channelId of ['eng', 'ops', 'sales']) {
      await write('PUT', `${ws}/bundles/eng-tools/channels/${channelId}`, 'alice');
    }

    // Then each of them may write acme/api, by the bundle, at channel scope (step 5); #design may not
    for (const channelId of ['eng', 'ops', 'sales']) {
      expect(await check(channelId)).toEqual({
        allowed: true,
        reason: expect.stringContaining('eng-tools'),
        provenance: {
          layer: 'channel',
          rule: 'bundles/eng-tools/connections/gh-eng',
          pattern: 'acme/api',
          bundle: 'eng-tools',
          scope: 'channel',
        },
        position: expect.any(Number),
      });
    }
    expect(await check('design')).toMatchObject({ allowed: false, provenance: { layer: 'default' } });
    // And the baseline's own connection answers as the workspace scope's bundle `baseline`
    expect((await check('eng', 'read', 'acme/docs')).provenance).toMatchObject({
      layer: 'baseline',
      rule: 'workspace/connections/gh',
      bundle: 'baseline',
      scope: 'workspace',
    });

    // When a member of #eng who is no admin there detaches it from #eng, it is refused
    problem(await api.call('DELETE', `${ws}/bundles/eng-tools/channels/eng`, { as: 'carl' }), 403);
    // When #ops's own admin (a plain workspace member) detaches it from #ops
    await write('DELETE', `${ws}/bundles/eng-tools/channels/ops`, 'bob');

    // Then only #ops loses it
    expect(await check('ops')).toMatchObject({ allowed: false, provenance: { layer: 'default' } });
    expect(await check('eng')).toMatchObject({
      allowed: true,
      provenance: { bundle: 'eng-tools', scope: 'channel' },
    });
    expect(await check('sales')).toMatchObject({ allowed: true, provenance: { bundle: 'eng-tools' } });
  });

  it('effective identity lists what the bundle provides, naming bundle and scope; its domains open egress where it reaches', async () => {
    const identity = await api.call('GET', `${ws}/channels/eng/effective-identity?minPosition=${position}`, {
      as: 'alice',
    });
    expect(identity.statusCode).toBe(200);
    const body = identity.json<Record<string, unknown>>();
    expect(body.connections).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          source: 'baseline',
          rule: 'workspace/connections/gh',
          bundle: 'baseline',
          scope: 'workspace',
        }),
        expect.objectContaining({
          source: 'bundle',
          rule: 'bundles/eng-tools/connections/gh-eng',
          bundle: 'eng-tools',
          scope: 'channel',
          account: 'app:eng-bot',
        }),
      ]),
    );
    expect(body.bundles).toEqual([
      {
        bundle: 'eng-tools',
        name: 'The engineering toolset',
        scope: 'channel',
        connections: ['gh-eng'],
        repositories: ['acme/api'],
        skills: ['deploy'],
        instructions: 'Open small pull requests.',
        domains: [{ host: 'registry.npmjs.org', ports: [443] }],
      },
    ]);
    expect(body).toMatchObject({
      repositories: ['acme/api'],
      skills: ['deploy'],
      instructions: 'Open small pull requests.',
      egress: [{ host: 'registry.npmjs.org', ports: [443] }],
    });

    const egress = (channelId: string) =>
      api.call('POST', `${ws}/channels/${channelId}/egress-check`, {
        ...gateway,
        body: { host: 'registry.npmjs.org', port: 443, minPosition: position },
      });
    expect((await egress('eng')).json()).toMatchObject({ allowed: true, rule: 'registry.npmjs.org' });
    expect((await egress('ops')).json()).toMatchObject({ allowed: false, rule: 'not-allowlisted' });
  });

  it("a credential lease allowed by the bundle is backed by the bundle connection's credential, the baseline's by its own", async () => {
    // given credentials stored for the baseline's connection and for the bundle's (a bundle connection id names a credential too)
    await write('PUT', `${ws}/services/agent-runtime`, 'alice');
    for (const connectionId of ['gh', 'gh-eng']) {
      const stored = await api.call('PUT', `${ws}/connections/${connectionId}/credential`, {
        as: 'alice',
        body: { kind: 'mandate-jwt' },
      });
      expect(stored.statusCode).toBe(200);
    }
    const lease = async (idempotencyKey: string, action: string, resource: string) => {
      const response = await api.call('POST', `${ws}/credential-leases`, {
        as: 'agent-runtime',
        scopes: ['credentials:issue'],
        body: {
          channelId: 'eng',
          connector: 'github',
          actions: [action],
          resources: [resource],
          invokedBy: 'carl',
          idempotencyKey,
        },
      });
      expect(response.statusCode).toBe(200);
      return response.json<{ connectionId: string }>().connectionId;
    };
    // when the runtime asks for what the bundle allows, and for what only the baseline allows
    // then each lease names the connection that allowed it
    expect(await lease('bundle-write', 'write', 'acme/api')).toBe('gh-eng');
    expect(await lease('baseline-read', 'read', 'acme/docs')).toBe('gh');
  });

  it('attached to the workspace it reaches every channel at workspace scope; the channel attachment, narrower, answers first', async () => {
    await write('PUT', `${ws}/bundles/eng-tools/workspace`, 'alice');
    expect((await check('design')).provenance).toMatchObject({
      layer: 'baseline',
      bundle: 'eng-tools',
      scope: 'workspace',
    });
    expect((await check('eng')).provenance).toMatchObject({
      layer: 'channel',
      bundle: 'eng-tools',
      scope: 'channel',
    });

    const listed = await api.call('GET', `${ws}/bundles`, { as: 'carl' });
    expect(
      listed.json<{ bundles: { bundleId: string; attachedTo: unknown; implicit: boolean }[] }>().bundles,
    ).toEqual([
      expect.objectContaining({
        bundleId: 'baseline',
        implicit: true,
        attachedTo: { workspace: true, channels: [] },
      }),
      expect.objectContaining({
        bundleId: 'eng-tools',
        implicit: false,
        attachedTo: { workspace: true, channels: ['eng', 'sales'] },
      }),
    ]);

    await write('DELETE', `${ws}/bundles/eng-tools/workspace`, 'alice');
    expect(await check('design')).toMatchObject({ allowed: false });
  });

  it('refuses what it must with problem+json: no If-Match, a stale one, a member, the baseline, unknown ids', async () => {
    expect(
      problem(await api.call('PUT', `${ws}/bundles/eng-tools`, { as: 'alice', body: toolset }), 400).code,
    ).toBe('if-match-required');
    const stale = await api.call('PUT', `${ws}/bundles/eng-tools`, {
      as: 'alice',
      headers: { 'if-match': '"1"' },
      body: toolset,
    });
    expect(problem(stale, 409).code).toBe('revision-mismatch');
    problem(
      await api.call('PUT', `${ws}/bundles/other`, {
        as: 'bob',
        headers: { 'if-match': '"0"' },
        body: toolset,
      }),
      403,
    );
    expect(
      problem(
        await api.call('PUT', `${ws}/bundles/baseline`, {
          as: 'alice',
          headers: { 'if-match': '"0"' },
          body: toolset,
        }),
        409,
      ).code,
    ).toBe('reserved-bundle-id');
    const malformed = await api.call('PUT', `${ws}/bundles/bad`, {
      as: 'alice',
      headers: { 'if-match': '"0"' },
      body: { ...toolset, domains: [{ host: 'evil.com/.x.com', ports: [443] }] },
    });
    expect(problem(malformed, 422)).toMatchObject({
      code: 'malformed-pattern',
      errors: [expect.objectContaining({ path: 'body.domains[0].host' })],
    });
    expect(problem(await api.call('GET', `${ws}/bundles/nope`, { as: 'alice' }), 404).code).toBe(
      'bundle-not-found',
    );
    expect(
      problem(await api.call('PUT', `${ws}/bundles/eng-tools/channels/nope`, { as: 'alice' }), 404).code,
    ).toBe('channel-not-found');
  });

  it('retired, it is detached everywhere and provides nothing', async () => {
    const current = await api.call('GET', `${ws}/bundles/eng-tools`, { as: 'alice' });
    const retired = await write('DELETE', `${ws}/bundles/eng-tools`, 'alice', {
      headers: { 'if-match': String(current.headers.etag) },
    });
    expect(retired.json<{ events: string[] }>().events).toEqual([
      'AccessBundleDetached',
      'AccessBundleDetached',
      'AccessBundleRetired',
    ]);
    expect(await check('eng')).toMatchObject({ allowed: false, provenance: { layer: 'default' } });
    const reattach = await api.call('PUT', `${ws}/bundles/eng-tools/channels/eng`, { as: 'alice' });
    expect(problem(reattach, 409).code).toBe('bundle-retired');
  });
});
