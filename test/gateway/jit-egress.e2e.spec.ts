import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { LightMyRequestResponse } from 'fastify';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { type IdentityApi, problem, startIdentityApi } from '../identity/identity-test-kit';
import { curl, rawConnect, type RunningGateway, startGatewayProcess } from './gateway-test-kit';

const ws = '/v1/workspaces/acme';
const portOf = (server: Server) => (server.address() as AddressInfo).port;

interface EgressEntry {
  host: string;
  ports: number[];
  source: string;
  grantId?: string;
  expiresAt?: string;
}

/**
 * A JIT grant that adds a host to a channel's egress: an access request on the `egress` connector
 * (`host:port` resources), approved per the approval policy, then allowed through the real gateway
 * process until `expiresAt` and not after; an open tunnel to the host is closed within a second of
 * the grant's end (expiry or revocation). The API, the JIT workflow on the real Temporal server and
 * its worker (in this process) and the gateway process share one log.
 */
describe('egress gateway: a JIT grant that adds a host', () => {
  let api: IdentityApi;
  let worker: INestApplicationContext;
  let gateway: RunningGateway;
  let upstream: Server;
  let session: string;

  const ok = <T>(response: LightMyRequestResponse, status = 200): T => {
    expect({ status: response.statusCode, body: response.json() }).toMatchObject({ status });
    return response.json<T>();
  };
  const connect = async () => {
    const { status, socket } = await rawConnect(
      gateway.port,
      `127.0.0.1:${portOf(upstream)}`,
      `Bearer ${session}`,
    );
    if (status !== 200) socket.destroy();
    return { status, socket };
  };
  /** The gateway's projection follows the log within milliseconds: asks until it answers `status`. */
  const connectUntil = async (status: number) => {
    const deadline = Date.now() + 5_000;
    let answer = await connect();
    while (answer.status !== status && Date.now() < deadline) {
      answer.socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      answer = await connect();
    }
    return answer;
  };
  /** When the socket closed (ms since the epoch), or undefined if still open after `ms`. */
  const closedAt = (socket: Socket, ms: number) =>
    new Promise<number | undefined>((resolve) => {
      if (socket.destroyed) return resolve(Date.now());
      const timer = setTimeout(() => resolve(undefined), ms);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve(Date.now());
      });
      socket.resume();
    });
  const requestEgress = async (resources: string[], durationSeconds: number) => {
    const { requestId } = ok<{ requestId: string }>(
      await api.call('POST', `${ws}/access-requests`, {
        as: 'rita',
        body: {
          channelId: 'eng',
          connector: 'egress',
          actions: ['connect'],
          resources,
          durationSeconds,
          reason: 'fetch the release notes',
        },
      }),
      201,
    );
    return requestId;
  };
  const approve = async (requestId: string) =>
    ok<{ position: number }>(
      await api.call('POST', `${ws}/access-requests/${requestId}/approve`, {
        as: 'alice',
        body: { comment: 'go' },
      }),
    );
  const grantOf = async (requestId: string) => {
    const granted = (await api.store.readAll()).find(
      (event) => event.type === 'AccessGranted' && (event.data as { grantId: string }).grantId === requestId,
    );
    return granted?.data as { expiresAt: string } | undefined;
  };
  const egressOf = async (query = '') =>
    ok<{ egress: EgressEntry[]; connections: { connector: string }[] }>(
      await api.call('GET', `${ws}/channels/eng/effective-identity${query}`, { as: 'root' }),
    );

  beforeAll(async () => {
    upstream = createServer((_req, res) => res.end('upstream'));
    await once(upstream.listen(0, '127.0.0.1'), 'listening');
    api = await startIdentityApi({
      TEMPORAL_TASK_QUEUE: `gateway-jit-egress-${randomUUID()}`,
      SQLITE_POLL_INTERVAL_MS: '20',
    });
    worker = await NestFactory.createApplicationContext(
      WorkerModule.forConfig({ ...api.config, LOG_LEVEL: 'warn' }),
      { logger: false },
    );
    await worker.init();

    // given workspace acme, its admin alice, member rita, the agent runtime and channel eng, and an
    // egress allowlist that does not name the upstream
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
    gateway = await startGatewayProcess({ DATA_DIR: api.config.DATA_DIR, SQLITE_POLL_INTERVAL_MS: '20' });
    session = ok<{ token: string }>(
      await api.call('POST', `${ws}/channels/eng/gateway-sessions`, {
        as: 'agent-runtime',
        scopes: ['gateway:session'],
        body: { invokedBy: 'rita', runId: 'run-jit-egress' },
      }),
      201,
    ).token;
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await worker?.close().catch(() => undefined);
    await api?.app.close();
    upstream?.close();
  }, 30_000);

  it('given an open tunnel allowed by a grant, when the grant is revoked, then the tunnel is closed within 1 s and the host refused', async () => {
    const requestId = await requestEgress([`127.0.0.1:${portOf(upstream)}`], 3600);
    await approve(requestId);
    const { status, socket } = await connectUntil(200);
    expect(status).toBe(200);

    // when alice revokes it
    const revokedAt = Date.now();
    ok(
      await api.call('POST', `${ws}/access-requests/${requestId}/revoke`, {
        as: 'alice',
        body: { reason: 'done' },
      }),
    );

    // then the tunnel closes within a second and the next CONNECT is refused
    const closed = await closedAt(socket, 3_000);
    expect(closed).toBeDefined();
    expect(closed! - revokedAt).toBeLessThanOrEqual(1_000);
    expect((await connect()).status).toBe(403);
  }, 30_000);

  it('given an approved grant for the host and a late expiry event, then curl reaches it through the gateway until expiresAt, an open tunnel is closed within 1 s of it, and the host is refused after', async () => {
    // given the host is not allowed
    expect((await connect()).status).toBe(403);

    // when rita asks for it for 4 s and alice approves
    const requestId = await requestEgress([`127.0.0.1:${portOf(upstream)}`], 4);
    const { position } = await approve(requestId);
    // and the workflow's expiry will be late: its worker stops (only the clock ends the grant now)
    await worker.close();

    // then a real client reaches it through a CONNECT tunnel, and a tunnel is held open
    const { status, socket } = await connectUntil(200);
    expect(status).toBe(200);
    const proxy = `http://session:${session}@127.0.0.1:${gateway.port}`;
    const through = await curl(['-p', '-x', proxy, `http://127.0.0.1:${portOf(upstream)}/`]);
    expect(through).toMatchObject({ connect: '200', status: '200', body: 'upstream' });

    // and effective identity lists the host with its grant, now and replayed at a past instant
    const listed = {
      host: '127.0.0.1',
      ports: [portOf(upstream)],
      source: 'jit-grant',
      rule: `grants/${requestId}`,
      grantId: requestId,
    };
    const grant = await grantOf(requestId);
    const identity = await egressOf(`?minPosition=${position}`);
    expect(identity.egress).toContainEqual({ ...listed, expiresAt: grant?.expiresAt });
    expect(identity.connections.map(({ connector }) => connector)).not.toContain('egress');
    const during = new Date(Date.parse(grant!.expiresAt) - 1_000).toISOString();
    expect((await egressOf(`?at=${encodeURIComponent(during)}`)).egress).toContainEqual(
      expect.objectContaining(listed),
    );

    // when expiresAt passes, then the open tunnel is closed within a second of it
    const expiresAtMs = Date.parse(grant!.expiresAt);
    const closed = await closedAt(socket, expiresAtMs - Date.now() + 3_000);
    expect(closed).toBeDefined();
    expect(closed! - expiresAtMs).toBeLessThanOrEqual(1_000);

    // and a new connection is refused (the read model compares the clock, whatever the workflow says)
    expect((await connect()).status).toBe(403);
    const after = new Date(expiresAtMs + 1_000).toISOString();
    expect((await egressOf(`?at=${encodeURIComponent(after)}`)).egress).not.toContainEqual(
      expect.objectContaining(listed),
    );
  }, 30_000);

  it('given a host outside the grammar, then the request is refused with malformed-host and nothing starts', async () => {
    const before = (await api.store.readAll()).filter((event) => event.type === 'AccessRequested').length;

    const refused = await api.call('POST', `${ws}/access-requests`, {
      as: 'rita',
      body: {
        channelId: 'eng',
        connector: 'egress',
        actions: ['connect'],
        resources: ['evil.com/.example.com:443'],
        durationSeconds: 60,
        reason: 'x',
      },
    });

    expect(problem(refused, 422)).toMatchObject({ code: 'malformed-host' });
    const after = (await api.store.readAll()).filter((event) => event.type === 'AccessRequested').length;
    expect(after).toBe(before);
  });
});
