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
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { type IdentityApi, startIdentityApi } from '../identity/identity-test-kit';
import { type RunningGateway, startGatewayProcess } from './gateway-test-kit';

const ws = '/v1/workspaces/acme';
const BOGUS = 'Bearer bogus-agent-token';

/**
 * A GitHub App connection through the connector endpoint: the gateway mints a lease for exactly
 * the call (the lease workflow on the real Temporal server, the worker in this process, a GitHub
 * stand-in over TLS), injects its down-scoped installation token, reuses it, and loses it with the
 * permission behind it.
 */
describe('connector endpoint: a GitHub App connection injected as a lease for exactly the call', () => {
  const app = standInGithubApp({ repositories: ['api', 'web', 'infra'] });
  let dir: TempDir;
  let upstream: GithubStandIn;
  let trusting: Agent;
  let api: IdentityApi;
  let worker: INestApplicationContext;
  let gateway: RunningGateway;
  let session: string;
  const answers: string[] = [];

  const ok = <T>(response: LightMyRequestResponse, status = 200): T => {
    expect({ status: response.statusCode, body: response.json() }).toMatchObject({ status });
    return response.json<T>();
  };
  const call = async (method: string, path: string) => {
    const response = await fetch(`${gateway.url}/connectors/github-main${path}`, {
      method,
      headers: { 'proxy-authorization': `Bearer ${session}`, authorization: BOGUS },
      ...(method === 'PUT' ? { body: JSON.stringify({ message: 'm', content: '' }) } : {}),
    });
    const body = await response.text();
    answers.push(body, JSON.stringify([...response.headers]));
    return { status: response.status, body };
  };
  const use = async (token: string) =>
    (
      await request(`${upstream.baseUrl}/installation/repositories`, {
        headers: { authorization: `Bearer ${token}` },
        dispatcher: trusting,
      })
    ).statusCode;
  const until = async (done: () => Promise<boolean>, ms: number) => {
    const deadline = Date.now() + ms;
    while (!(await done()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  };
  /** Calls until the answer's status is `status` (the gateway's projection follows the log within ms). */
  const callUntil = async (method: string, path: string, status: number) => {
    let answer = await call(method, path);
    await until(async () => answer.status === status || ((answer = await call(method, path)), false), 5_000);
    return answer;
  };
  const events = async (type: string) =>
    (await api.store.readAll()).filter((event) => event.type === type).map((event) => event.data as never);

  beforeAll(async () => {
    dir = createTempDir('mandate-gateway-lease-');
    const ca = createTestCertificateAuthority(dir.path);
    upstream = await startGithubStandIn({ cert: ca.cert, key: ca.key, installations: [app.installation] });
    trusting = new Agent({ connect: { ca: ca.caCert } });
    api = await startIdentityApi({
      TEMPORAL_TASK_QUEUE: `gateway-lease-${randomUUID()}`,
      SQLITE_POLL_INTERVAL_MS: '20',
    });
    worker = await NestFactory.createApplicationContext(
      WorkerModule.forConfig({ ...api.config, LOG_LEVEL: 'warn' }, undefined, undefined, {
        upstream: { dispatcher: trusting },
      }),
      { logger: false },
    );
    await worker.init();

    // given workspace acme, its admin alice, member rita, the agent runtime, channel eng,
    // a baseline reading acme/* through the App's connection, and the App's key in the vault
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
              id: 'github-main',
              connector: 'github',
              account: 'app:4242',
              actions: ['read'],
              resources: ['acme/*'],
            },
          ],
        },
      }),
    );
    ok(
      await api.call('PUT', `${ws}/connections/github-main/credential`, {
        as: 'alice',
        body: app.credential(upstream.baseUrl),
      }),
    );
    gateway = await startGatewayProcess({
      DATA_DIR: api.config.DATA_DIR,
      SQLITE_POLL_INTERVAL_MS: '20',
      LOG_LEVEL: 'debug',
      GATEWAY_GITHUB_API_URL: upstream.baseUrl,
      NODE_EXTRA_CA_CERTS: ca.caCertPath,
      TEMPORAL_ADDRESS: api.config.TEMPORAL_ADDRESS,
      TEMPORAL_NAMESPACE: api.config.TEMPORAL_NAMESPACE,
      TEMPORAL_TASK_QUEUE: api.config.TEMPORAL_TASK_QUEUE,
    });
    session = ok<{ token: string }>(
      await api.call('POST', `${ws}/channels/eng/gateway-sessions`, {
        as: 'agent-runtime',
        scopes: ['gateway:session'],
        body: { invokedBy: 'rita', runId: 'run-lease' },
      }),
      201,
    ).token;
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await worker?.close();
    await api?.app.close();
    await trusting?.close();
    await upstream?.close();
    dir?.remove();
  }, 60_000);

  it('given a read the baseline allows, when the agent calls with a bogus Authorization, then GitHub sees a token down-scoped to that repository, minted once for the session', async () => {
    // when
    const first = await call('GET', '/repos/acme/infra');

    // then the stand-in saw an installation token for acme/infra with read permissions only
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ full_name: 'acme/infra', private: true });
    const seen = upstream.calls.at(-1)!;
    expect(seen.path).toBe('/repos/acme/infra');
    expect(seen.authorization).not.toBe(BOGUS);
    const minted = upstream.tokens.find((token) => `Bearer ${token.token}` === seen.authorization);
    expect(minted).toMatchObject({
      repositories: ['infra'],
      permissions: { contents: 'read', metadata: 'read', issues: 'read', pull_requests: 'read' },
    });

    // and a second call reuses the lease: no second mint
    const count = upstream.tokens.length;
    expect((await call('GET', '/repos/acme/infra')).status).toBe(200);
    expect(upstream.tokens).toHaveLength(count);

    // and the log holds one lease for exactly (read, acme/infra) for rita, and the calls name it
    const leases = await events('CredentialLeaseIssued');
    expect(leases).toEqual([
      expect.objectContaining({
        connectionId: 'github-main',
        channelId: 'eng',
        credentialKind: 'github-app',
        actions: ['read'],
        resources: ['acme/infra'],
        invokedBy: 'rita',
        requestedBy: { kind: 'service', id: 'agent-runtime' },
        grantId: null,
      }),
    ]);
    const { leaseId } = leases[0] as { leaseId: string };
    expect((await events('AgentActionAuthorized')).at(-1)).toMatchObject({ connectionId: 'github-main' });
    // The outcome is recorded after the answer (the authorization before the call left): waited for.
    const completions = async () =>
      ((await events('AgentActionCompleted')) as { leaseId?: string }[]).filter(
        (data) => data.leaseId === leaseId,
      );
    await until(async () => (await completions()).length >= 2, 5_000);
    expect((await events('AgentActionCompleted')).slice(-2)).toEqual([
      expect.objectContaining({ detail: 'upstream 200', leaseId }),
      expect.objectContaining({ detail: 'upstream 200', leaseId }),
    ]);
  }, 60_000);

  it('given a write the channel may only read, then it is denied with no mint and no upstream call', async () => {
    const tokens = upstream.tokens.length;
    const calls = upstream.calls.length;

    const denied = await call('PUT', '/repos/acme/infra/contents/README.md');

    expect(denied.status).toBe(403);
    expect(upstream.tokens).toHaveLength(tokens);
    expect(upstream.calls).toHaveLength(calls);
  }, 60_000);

  it('given a JIT grant of write, then a write lease derives from it; revoking the grant ends the lease at GitHub and the next write is denied', async () => {
    // given rita's request for write on acme/infra, approved by alice
    const { requestId } = ok<{ requestId: string }>(
      await api.call('POST', `${ws}/access-requests`, {
        as: 'rita',
        body: {
          channelId: 'eng',
          connector: 'github',
          actions: ['write'],
          resources: ['acme/infra'],
          durationSeconds: 3600,
          reason: 'hotfix',
        },
      }),
      201,
    );
    ok(
      await api.call('POST', `${ws}/access-requests/${requestId}/approve`, {
        as: 'alice',
        body: { comment: 'go' },
      }),
    );

    // when the agent writes through the gateway (once the gateway's projection has the grant)
    const write = await callUntil('PUT', '/repos/acme/infra/contents/README.md', 404);

    // then the call went out with a write token for acme/infra alone, derived from the grant
    expect(write.status).toBe(404);
    const lease = (await events('CredentialLeaseIssued')).at(-1) as unknown as {
      leaseId: string;
      grantId: string;
    };
    expect(lease).toMatchObject({ actions: ['write'], resources: ['acme/infra'], grantId: requestId });
    const token = upstream.tokens.at(-1)!;
    expect(upstream.calls.at(-1)).toEqual({
      method: 'PUT',
      path: '/repos/acme/infra/contents/README.md',
      authorization: `Bearer ${token.token}`,
    });
    expect(token).toMatchObject({
      repositories: ['infra'],
      permissions: expect.objectContaining({ contents: 'write' }),
    });
    expect(await use(token.token)).toBe(200);

    // when alice revokes the grant
    ok(
      await api.call('POST', `${ws}/access-requests/${requestId}/revoke`, {
        as: 'alice',
        body: { reason: 'done' },
      }),
    );

    // then GitHub refuses the token within 2 s, and the log ends the lease
    await until(async () => (await use(token.token)) === 401, 2_000);
    expect(await use(token.token)).toBe(401);
    const ended = async () =>
      (await events('CredentialLeaseEnded')).some(
        ({ leaseId }: { leaseId: string }) => leaseId === lease.leaseId,
      );
    await until(ended, 5_000);
    expect(await ended()).toBe(true);

    // and the next write is denied, with no mint and no upstream call
    await callUntil('PUT', '/repos/acme/infra/contents/README.md', 403);
    const tokens = upstream.tokens.length;
    const calls = upstream.calls.length;
    expect((await call('PUT', '/repos/acme/infra/contents/README.md')).status).toBe(403);
    expect(upstream.tokens).toHaveLength(tokens);
    expect(upstream.calls).toHaveLength(calls);
  }, 60_000);

  it('then no minted token is in any event, any gateway or API log line, or any answer to the agent', async () => {
    const minted = upstream.tokens.map((token) => token.token);
    expect(minted.length).toBeGreaterThanOrEqual(2);
    const log = JSON.stringify(await api.store.readAll());
    const lines = JSON.stringify(gateway.process.messages);
    for (const token of minted) {
      expect(log).not.toContain(token);
      expect(lines).not.toContain(token);
      expect(api.rawLog()).not.toContain(token);
      for (const answer of answers) expect(answer).not.toContain(token);
    }
  }, 60_000);
});
