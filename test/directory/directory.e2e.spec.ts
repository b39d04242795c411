import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { LightMyRequestResponse } from 'fastify';
import { freshTemporalNamespace } from '@mandate/testing';
import { ProjectionService } from '../../apps/api/src/core/projection.service';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { type IdentityApi, problem, startIdentityApi } from '../identity/identity-test-kit';

interface Page<T> {
  items: T[];
  next?: string;
}

const acme = '/v1/workspaces/acme';

describe('Lists to find things: me, workspaces, members, channels, grants (API, worker, Temporal)', () => {
  let api: IdentityApi;
  let worker: INestApplicationContext | undefined;

  const ok = <T>(response: LightMyRequestResponse, status = 200): T => {
    expect({ status: response.statusCode, body: response.json() }).toMatchObject({ status });
    return response.json<T>();
  };
  const get = <T>(as: string, url: string) => api.call('GET', url, { as }).then((r) => ok<T>(r));
  const ids = <T>(page: Page<T>, key: keyof T) => page.items.map((item) => item[key]);
  /** Every item of a list, read `limit` at a time through `next`. */
  const walk = async <T>(as: string, url: string, limit: number): Promise<T[]> => {
    const all: T[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const separator = url.includes('?') ? '&' : '?';
      const page = await get<Page<T>>(
        as,
        `${url}${separator}limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(limit);
      all.push(...page.items);
      if (page.next === undefined) return all;
      after = page.next;
    }
    throw new Error('the list never ended');
  };
  const write = async (as: string, method: 'POST' | 'PUT', url: string, body?: unknown) => {
    const response = await api.call(method, url, { as, body });
    expect([200, 201]).toContain(response.statusCode);
    return response.json<{ position: number }>();
  };
  const grantFor = async (requestId: string, channelId: string, resource: string) => {
    await write('dave', 'POST', `${acme}/access-requests`, {
      requestId,
      channelId,
      connector: 'github',
      actions: ['write'],
      resources: [resource],
      durationSeconds: 3600,
      reason: `work on ${resource}`,
    });
    return write('bob', 'POST', `${acme}/access-requests/${requestId}/approve`, { comment: 'ok' });
  };

  beforeAll(async () => {
    // Fixed request ids: their workflows get a namespace of their own.
    api = await startIdentityApi({
      TEMPORAL_NAMESPACE: await freshTemporalNamespace(process.env.TEMPORAL_ADDRESS!, 'directory'),
      TEMPORAL_TASK_QUEUE: `directory-${randomUUID()}`,
    });
    worker = await NestFactory.createApplicationContext(
      WorkerModule.forConfig({ ...api.config, LOG_LEVEL: 'warn' }),
      { logger: false },
    );
    await worker.init();

    // given two tenants: acme (root owns it; members with every role) and globex (gina owns it)
    await write('root', 'POST', '/v1/workspaces', { workspaceId: 'acme', name: 'Acme' });
    await write('root', 'POST', '/v1/workspaces', { workspaceId: 'globex', name: 'Globex' });
    await write('root', 'PUT', '/v1/workspaces/globex/members/gina/roles/owner');
    for (const [principal, role] of [
      ['alice', 'admin'],
      ['bob', 'approver'],
      ['dave', 'member'],
      ['frank', 'member'],
      ['erin', 'auditor'],
    ]) {
      await write('root', 'PUT', `${acme}/members/${principal}/roles/${role}`);
    }
    await write('alice', 'POST', `${acme}/groups`, { groupId: 'oncall', name: 'On call' });
    for (const principal of ['dave', 'bob']) {
      await write('alice', 'PUT', `${acme}/groups/oncall/members/${principal}`);
    }
    // a public channel, a private one that dave is in and frank is not, and another tenant's channel
    await write('alice', 'POST', `${acme}/channels`, { channelId: 'eng', name: 'Eng', visibility: 'public' });
    await write('bob', 'POST', `${acme}/channels`, {
      channelId: 'incident',
      name: 'Incident',
      visibility: 'private',
    });
    await write('bob', 'PUT', `${acme}/channels/incident/members/dave`, { role: 'member' });
    await write('gina', 'POST', '/v1/workspaces/globex/channels', {
      channelId: 'hq',
      name: 'HQ',
      visibility: 'public',
    });
    // grants: one in each channel, approved by bob, and one revoked
    await grantFor('grant-eng', 'eng', 'acme/web');
    await grantFor('grant-incident', 'incident', 'acme/infra');
    await grantFor('grant-revoked', 'eng', 'acme/docs');
    const revoked = await write('alice', 'POST', `${acme}/access-requests/grant-revoked/revoke`, {
      reason: 'done early',
    });
    expect(await api.app.get(ProjectionService).runner.waitForPosition(revoked.position, 5_000)).toBe(true);
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await api?.app.close();
  }, 60_000);

  it('GET /v1/me: the caller, and the workspaces where it holds a role with its roles there', async () => {
    expect(await get('dave', '/v1/me')).toEqual({
      id: 'dave',
      kind: 'user',
      scopes: [],
      platformAdmin: false,
      workspaces: { items: [{ workspaceId: 'acme', name: 'Acme', roles: ['member'] }] },
    });
    expect(await get('gina', '/v1/me')).toMatchObject({
      workspaces: { items: [{ workspaceId: 'globex', name: 'Globex', roles: ['owner'] }] },
    });
    expect(await get('root', '/v1/me')).toMatchObject({
      platformAdmin: true,
      workspaces: {
        items: [
          { workspaceId: 'acme', roles: ['owner'] },
          { workspaceId: 'globex', roles: ['owner'] },
        ],
      },
    });
    expect(await get('stranger', '/v1/me')).toMatchObject({ workspaces: { items: [] } });
    expect(await get('root', '/v1/me?limit=1')).toMatchObject({
      workspaces: { items: [{ workspaceId: 'acme' }], next: 'acme' },
    });
  });

  it('GET /v1/me: a service whose subject is a member’s id lists no workspace (roles are users’)', async () => {
    const asService = ok<{ kind: string; workspaces: Page<unknown> }>(
      await api.call('GET', '/v1/me', { as: 'dave', scopes: ['permissions:check'] }),
    );

    expect(asService).toMatchObject({ kind: 'service', workspaces: { items: [] } });
  });

  it('GET /v1/workspaces: platform admins list every workspace, others their own, a stranger none', async () => {
    expect(ids(await get<Page<{ workspaceId: string }>>('root', '/v1/workspaces'), 'workspaceId')).toEqual([
      'acme',
      'globex',
    ]);
    expect(await get('dave', '/v1/workspaces')).toEqual({
      items: [{ workspaceId: 'acme', name: 'Acme', roles: ['member'] }],
    });
    expect(ids(await get<Page<{ workspaceId: string }>>('gina', '/v1/workspaces'), 'workspaceId')).toEqual([
      'globex',
    ]);
    expect(await get('stranger', '/v1/workspaces')).toEqual({ items: [] });
    expect(await walk('root', '/v1/workspaces', 1)).toHaveLength(2);
  });

  it('GET /v1/workspaces and /v1/me: a service whose subject is a platform admin’s id is no platform admin', async () => {
    // given a service token carrying the platform admin's subject
    const as = { as: 'root', scopes: ['permissions:check'] };
    // when it lists workspaces and asks who it is
    const workspaces = ok<Page<unknown>>(await api.call('GET', '/v1/workspaces', as));
    const me = ok<{ kind: string; platformAdmin: boolean }>(await api.call('GET', '/v1/me', as));
    // then it sees no tenant's workspace and holds no platform role
    expect(workspaces).toEqual({ items: [] });
    expect(me).toMatchObject({ kind: 'service', platformAdmin: false });
  });

  it('GET /v1/workspaces/{ws}/members: members with roles and groups, paged; nothing for another tenant', async () => {
    const members = await walk<{ principalId: string; roles: string[]; groups: string[] }>(
      'frank',
      `${acme}/members`,
      2,
    );

    expect(members).toEqual([
      { principalId: 'alice', roles: ['admin'], groups: [] },
      { principalId: 'bob', roles: ['approver'], groups: ['oncall'] },
      { principalId: 'dave', roles: ['member'], groups: ['oncall'] },
      { principalId: 'erin', roles: ['auditor'], groups: [] },
      { principalId: 'frank', roles: ['member'], groups: [] },
      { principalId: 'root', roles: ['owner'], groups: [] },
    ]);
    // another tenant's owner sees nothing: the workspace does not exist for them
    expect(problem(await api.call('GET', `${acme}/members`, { as: 'gina' }), 404).code).toBe(
      'workspace-not-found',
    );
  });

  it('GET /v1/workspaces/{ws}/channels: a private channel only for its members and workspace admins', async () => {
    const channelIds = async (as: string) =>
      (await walk<{ channelId: string }>(as, `${acme}/channels`, 1)).map((channel) => channel.channelId);

    expect(await channelIds('dave')).toEqual(['eng', 'incident']);
    expect(await channelIds('alice')).toEqual(['eng', 'incident']);
    expect(await channelIds('frank')).toEqual(['eng']);
    // an approver or auditor outside the private channel does not see it either
    expect(await channelIds('erin')).toEqual(['eng']);
    expect(await get('dave', `${acme}/channels`)).toEqual({
      items: [
        {
          channelId: 'eng',
          name: 'Eng',
          visibility: 'public',
          status: 'active',
          memberCount: 1,
          callerRole: null,
        },
        {
          channelId: 'incident',
          name: 'Incident',
          visibility: 'private',
          status: 'active',
          memberCount: 2,
          callerRole: 'member',
        },
      ],
    });
    // a cursor past a private channel tells a non-member nothing about it
    expect(await get('frank', `${acme}/channels?after=incident`)).toEqual({ items: [] });
    expect(problem(await api.call('GET', `${acme}/channels`, { as: 'gina' }), 404).code).toBe(
      'workspace-not-found',
    );
    expect(
      ids(await get<Page<{ channelId: string }>>('gina', '/v1/workspaces/globex/channels'), 'channelId'),
    ).toEqual(['hq']);
  });

  it('GET /v1/workspaces/{ws}/grants?active=true: grants in force with expiry and attribution; private ones hidden', async () => {
    const active = await get<Page<Record<string, unknown>>>('dave', `${acme}/grants?active=true`);

    expect(active.items.map((grant) => grant.grantId)).toEqual(['grant-eng', 'grant-incident']);
    expect(active.items[0]).toEqual({
      grantId: 'grant-eng',
      status: 'active',
      channelId: 'eng',
      connector: 'github',
      actions: ['write'],
      resources: ['acme/web'],
      grantedAt: expect.any(String),
      expiresAt: expect.any(String),
      requestedBy: 'dave',
      requestedByKind: 'user',
      invokedBy: null,
      approvers: ['bob'],
      mode: 'approval',
      reason: 'work on acme/web',
      ticket: null,
    });
    const grant = active.items[0] as { grantedAt: string; expiresAt: string };
    expect(Date.parse(grant.expiresAt) - Date.parse(grant.grantedAt)).toBe(3_600_000);

    // frank is not in #incident: its grant is not his to see
    expect(
      ids(await get<Page<{ grantId: string }>>('frank', `${acme}/grants?active=true`), 'grantId'),
    ).toEqual(['grant-eng']);
    // ended grants are listed apart, with how they ended
    expect(await get<Page<Record<string, unknown>>>('dave', `${acme}/grants?active=false`)).toMatchObject({
      items: [{ grantId: 'grant-revoked', status: 'revoked' }],
    });
    expect(await walk<{ grantId: string }>('alice', `${acme}/grants`, 1)).toHaveLength(3);
    expect(problem(await api.call('GET', `${acme}/grants?active=true`, { as: 'gina' }), 404).code).toBe(
      'workspace-not-found',
    );
    expect(await get('gina', '/v1/workspaces/globex/grants?active=true')).toEqual({ items: [] });
  });

  it('refuses a malformed limit or cursor as every list does (400), and a grant cursor that names no grant', async () => {
    for (const url of [
      '/v1/workspaces?limit=0',
      `${acme}/channels?limit=501`,
      `${acme}/members?limit=many`,
    ]) {
      expect(problem(await api.call('GET', url, { as: 'alice' }), 400).code).toBe('validation-failed');
    }
    expect(problem(await api.call('GET', `${acme}/channels?after=a%2Fb`, { as: 'alice' }), 400).code).toBe(
      'validation-failed',
    );
    expect(
      problem(await api.call('GET', `${acme}/grants?after=no-such-grant`, { as: 'alice' }), 400),
    ).toMatchObject({
      code: 'invalid-cursor',
      errors: [{ path: 'query.after' }],
    });
  });

  it('a new workspace member appears in the lists at once (the lists read the projection after the last write)', async () => {
    await write('alice', 'PUT', `${acme}/members/nina/roles/member`);

    expect(await get('nina', '/v1/workspaces')).toMatchObject({ items: [{ workspaceId: 'acme' }] });
    expect(
      (await walk<{ principalId: string }>('nina', `${acme}/members`, 100)).map((m) => m.principalId),
    ).toContain('nina');
  });

  it('documents every list in OpenAPI with its paging parameters and answer', async () => {
    const document = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<
        string,
        Record<string, { parameters?: { name: string; in: string }[]; responses: Record<string, unknown> }>
      >;
    }>();

    for (const path of [
      '/v1/me',
      '/v1/workspaces',
      '/v1/workspaces/{workspaceId}/members',
      '/v1/workspaces/{workspaceId}/channels',
      '/v1/workspaces/{workspaceId}/grants',
    ]) {
      const operation = document.paths[path]?.get;
      expect({
        path,
        query: operation?.parameters?.filter((p) => p.in === 'query').map((p) => p.name),
      }).toEqual({
        path,
        query: expect.arrayContaining(['limit', 'after']),
      });
      expect(JSON.stringify(operation?.responses['200'])).toContain('items');
    }
    expect(
      document.paths['/v1/workspaces/{workspaceId}/grants'].get.parameters?.map((p) => p.name),
    ).toContain('active');
  });
});
