import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { LightMyRequestResponse } from 'fastify';
import { Agent, request } from 'undici';
import {
  createTempDir,
  createTestCertificateAuthority,
  type GithubStandIn,
  standInGithubApp,
  startGithubStandIn,
  type TempDir,
} from '@mandate/testing';
import { ProjectionService } from '../../apps/api/src/core/projection.service';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { type IdentityApi, problem, startIdentityApi } from '../identity/identity-test-kit';

const ws = '/v1/workspaces/acme';
const narrowing = { pathPrefixes: ['/repos/acme/api'], methods: 'read-only' };

/**
 * A GitHub connection whose permissions allow writes on acme/*, narrowed to reads of acme/api:
 * its leases are read-only tokens for acme/api, and record the narrowing.
 */
describe('GitHub lease from a narrowed connection (API, worker, Temporal, a GitHub stand-in over TLS)', () => {
  const app = standInGithubApp();
  let dir: TempDir;
  let upstream: GithubStandIn;
  let trusting: Agent;
  let api: IdentityApi;
  let worker: INestApplicationContext;

  const ok = <T>(response: LightMyRequestResponse, status = 200): T => {
    expect({ status: response.statusCode, body: response.json() }).toMatchObject({ status });
    return response.json<T>();
  };
  const lease = (body: Record<string, unknown>) =>
    api.call('POST', `${ws}/credential-leases`, {
      as: 'agent-runtime',
      scopes: ['credentials:issue'],
      body: {
        channelId: 'eng',
        connector: 'github',
        actions: ['read'],
        resources: ['acme/api'],
        invokedBy: 'rita',
        idempotencyKey: randomUUID(),
        ...body,
      },
    });

  beforeAll(async () => {
    dir = createTempDir('mandate-lease-narrowing-');
    const ca = createTestCertificateAuthority(dir.path);
    upstream = await startGithubStandIn({ cert: ca.cert, key: ca.key, installations: [app.installation] });
    trusting = new Agent({ connect: { ca: ca.caCert } });
    api = await startIdentityApi({ TEMPORAL_TASK_QUEUE: `lease-narrowing-${randomUUID()}` });
    worker = await NestFactory.createApplicationContext(
      WorkerModule.forConfig({ ...api.config, LOG_LEVEL: 'warn' }, undefined, undefined, {
        upstream: { dispatcher: trusting },
      }),
      { logger: false },
    );
    await worker.init();
    ok(
      await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } }),
      201,
    );
    ok(await api.call('PUT', `${ws}/members/alice/roles/admin`, { as: 'root' }));
    ok(await api.call('PUT', `${ws}/members/rita/roles/member`, { as: 'root' }));
    ok(await api.call('PUT', `${ws}/services/agent-runtime`, { as: 'root' }));
    ok(
      await api.call('POST', `${ws}/channels`, {
        as: 'root',
        body: { channelId: 'eng', name: 'Eng', visibility: 'public' },
      }),
      201,
    );
    ok(
      await api.call('PUT', `${ws}/agent-identity`, {
        as: 'alice',
        headers: { 'if-match': '"0"' },
        body: {
          connections: [
            {
              id: 'code',
              connector: 'github',
              account: 'app:4242',
              actions: ['write'],
              resources: ['acme/*'],
              narrowing,
            },
          ],
        },
      }),
    );
    const stored = ok<{ position: number }>(
      await api.call('PUT', `${ws}/connections/code/credential`, {
        as: 'alice',
        body: app.credential(upstream.baseUrl),
      }),
    );
    await api.app.get(ProjectionService).runner.waitForPosition(stored.position, 5_000);
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await api?.app.close();
    await trusting?.close();
    await upstream?.close();
    dir?.remove();
  }, 60_000);

  it('given a read of acme/api, then the token has read permissions only and the lease records the narrowing', async () => {
    const issued = ok<{ leaseId: string; token: string }>(await lease({}));

    expect(upstream.tokens.find((token) => token.token === issued.token)).toMatchObject({
      repositories: ['api'],
      permissions: { contents: 'read', metadata: 'read', issues: 'read', pull_requests: 'read' },
    });
    const view = ok<{ narrowing: unknown }>(
      await api.call('GET', `${ws}/credential-leases/${issued.leaseId}`, { as: 'alice' }),
    );
    expect(view.narrowing).toEqual(narrowing);
    const [recorded] = await api.store.readStream(`lease-acme.${issued.leaseId}`);
    expect(recorded.data).toMatchObject({ connectionId: 'code', narrowing });
  });

  it('given a live lease, when its connection is narrowed further, then its token is revoked at GitHub', async () => {
    const issued = ok<{ leaseId: string; token: string }>(await lease({}));
    const use = async () =>
      (
        await request(`${upstream.baseUrl}/installation/repositories`, {
          headers: { authorization: `Bearer ${issued.token}` },
          dispatcher: trusting,
        })
      ).statusCode;
    expect(await use()).toBe(200);

    // when an admin narrows the connection to one more path prefix only
    const etag = async () =>
      (await api.call('GET', `${ws}/agent-identity`, { as: 'alice' })).headers.etag as string;
    ok(
      await api.call('PUT', `${ws}/agent-identity`, {
        as: 'alice',
        headers: { 'if-match': await etag() },
        body: {
          connections: [
            {
              id: 'code',
              connector: 'github',
              account: 'app:4242',
              actions: ['write'],
              resources: ['acme/*'],
              narrowing: { ...narrowing, pathPrefixes: ['/repos/acme/api/pulls'] },
            },
          ],
        },
      }),
    );

    // then the sweeper ends the lease and GitHub refuses its token within 3 s
    const deadline = Date.now() + 3_000;
    while ((await use()) !== 401 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await use()).toBe(401);
    // and the narrowing is put back for the cases below
    ok(
      await api.call('PUT', `${ws}/agent-identity`, {
        as: 'alice',
        headers: { 'if-match': await etag() },
        body: {
          connections: [
            {
              id: 'code',
              connector: 'github',
              account: 'app:4242',
              actions: ['write'],
              resources: ['acme/*'],
              narrowing,
            },
          ],
        },
      }),
    );
  });

  it('given a write the permissions allow, then no token is minted: a read-only connection mints reads only', async () => {
    const minted = upstream.tokens.length;

    const refused = problem(await lease({ actions: ['write'] }), 422);

    expect(refused).toMatchObject({ code: 'lease-outside-narrowing' });
    expect(upstream.tokens.length).toBe(minted);
  });

  it('given a repository outside the path prefix, then no token is minted', async () => {
    const minted = upstream.tokens.length;

    expect(problem(await lease({ resources: ['acme/web'] }), 422).code).toBe('lease-outside-narrowing');
    expect(upstream.tokens.length).toBe(minted);
  });
});
