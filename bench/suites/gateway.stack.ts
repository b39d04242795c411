import { once } from 'node:events';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createTcpServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { mintDevToken } from '@mandate/auth';
import { type AppConfig, loadConfig } from '@mandate/config';
import { eventSchemas } from '@mandate/domain';
import { EventSchemaRegistry, type EventStore, openConfiguredSqliteEventStore } from '@mandate/event-store';
import { createLogger } from '@mandate/observability';
import { createTestCertificateAuthority, startTsProcess, type TsProcess } from '@mandate/testing';
import { createApiApp } from '../../apps/api/src/app.factory';
import type { Phase, PhaseResult } from '../load/http-phases.runner';
import { IMAGE_NODE_FLAGS } from '../node-flags';
import { runPhases } from '../load/phases';

const ROOT = join(__dirname, '..', '..');
const ws = '/v1/workspaces/bench';

/** What an answer from GitHub's repository endpoint weighs, roughly: the upstream's body. */
const REPOSITORY = JSON.stringify({ full_name: 'bench/api', private: true, padding: 'x'.repeat(400) });

export interface RunningGateway {
  process: TsProcess;
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface GatewayStack {
  config: AppConfig;
  /** The gateway's store, opened for reading once it has stopped. */
  openStore(): EventStore;
  caCert: string;
  /** `https://127.0.0.1:<port>`: the stand-in for GitHub's REST API (GET answers REPOSITORY). */
  upstreamUrl: string;
  /** A TCP port that, once sent one byte, streams `bytes` bytes and closes: the tunnel's far end. */
  sourcePort: number;
  /** The gateway session token of run `bench-run` in #eng, invoked by mike. */
  token: string;
  gateway: RunningGateway;
  /**
   * The same gateway with the agent-action record kept in memory (bench/load/gateway-unrecorded.main.ts),
   * on a copy of the data directory, so that neither gateway follows the other's writes.
   */
  unrecorded: RunningGateway;
  /** A proxy with no logic on the same upstream (bench/load/bare-proxy.main.ts): the floor of a hop. */
  bare: RunningGateway;
  close(): Promise<void>;
}

/**
 * A gateway process with the image's V8 flags: with Node 24's own young generation (64 MB
 * semi-spaces) it spent about 14 % more CPU per connector call, and its minor collections took
 * 10-30 ms each under load against 2-7 ms (docs/gateway.md, "Young generation").
 */
async function startGatewayProcess(entry: string, env: Record<string, string>): Promise<RunningGateway> {
  const child = startTsProcess(entry, [], {
    NODE_OPTIONS: [process.env.NODE_OPTIONS, ...IMAGE_NODE_FLAGS].filter(Boolean).join(' '),
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_PORT: '0',
    ...env,
  });
  const listening = (await child.waitFor(
    (message) => (message as { msg?: string }).msg === 'gateway listening',
  )) as { url: string };
  return {
    process: child,
    url: listening.url,
    port: Number(new URL(listening.url).port),
    stop: async () => {
      if (child.child.exitCode === null) child.child.kill('SIGTERM');
      await child.closed;
    },
  };
}

/** Runs the phases in one load-generator process (bench/load/http-phases.runner.ts). */
export const loadPhases = (stack: GatewayStack, phases: Phase[]): Promise<PhaseResult[]> =>
  runPhases(phases, stack.config.DATA_DIR);

function startSource(bytes: number): Server {
  const chunk = Buffer.alloc(64 * 1024, 7);
  return createTcpServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.once('data', () => {
      let left = bytes;
      const write = () => {
        while (left > 0) {
          const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
          left -= piece.length;
          if (!socket.write(piece)) return void socket.once('drain', write);
        }
        socket.end();
      };
      write();
    });
  });
}

/**
 * The API in this process on a fresh data directory (SQLITE_SYNCHRONOUS=FULL, the durable record)
 * holding workspace `bench`: member mike, service agent-runtime, channel #eng, a `code` GitHub
 * connection reading `bench/*` with a `static` credential bound to 127.0.0.1, and an egress
 * allowlist of the upstream and the source ports, and one session. The API then stops (it would
 * otherwise project every event the gateway writes, in this process, beside the upstream) and the
 * gateway, its unrecorded twin and the bare proxy start as child processes.
 */
export async function startGatewayStack(sourceBytes: number): Promise<GatewayStack> {
  const dir = mkdtempSync(join(tmpdir(), 'mandate-bench-gateway-'));
  const ca = createTestCertificateAuthority(dir);
  const upstream = createHttpsServer(
    { cert: ca.cert, key: ca.key, keepAliveTimeout: 60_000 },
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(REPOSITORY);
    },
  );
  const source = startSource(sourceBytes);
  await Promise.all([
    once(upstream.listen(0, '127.0.0.1'), 'listening'),
    once(source.listen(0, '127.0.0.1'), 'listening'),
  ]);
  const upstreamPort = (upstream.address() as AddressInfo).port;
  const sourcePort = (source.address() as AddressInfo).port;
  const env = {
    DATA_DIR: join(dir, 'data'),
    AUTH_DEV_KEY_PATH: join(dir, 'dev-keys', 'key.json'),
    SQLITE_SYNCHRONOUS: 'FULL',
    SQLITE_POLL_INTERVAL_MS: '20',
  };
  const config = loadConfig({
    ...env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    PLATFORM_ADMINS: 'root',
    VAULT_BACKEND: 'embedded',
    // No Temporal here: nothing this stack asks of the API needs it.
    TEMPORAL_ADDRESS: '127.0.0.1:1',
  });
  const logger = createLogger({ level: 'warn', destination: pino.destination({ dest: '/dev/null' }) });
  const app: NestFastifyApplication = await createApiApp(config, { logger });
  await app.init();
  const call = async (
    method: 'POST' | 'PUT',
    url: string,
    as: string,
    body?: object,
    scopes: string[] = [],
  ) => {
    const token = await mintDevToken(
      { sub: as, kind: scopes.length ? 'service' : 'user', scopes, ttl: '1h' },
      config,
    );
    const response = await app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${token}`,
        ...(url.endsWith('agent-identity') ? { 'if-match': '"0"' } : {}),
      },
      ...(body === undefined ? {} : { payload: body }),
    });
    if (response.statusCode >= 300)
      throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
    return response.json<Record<string, unknown>>();
  };
  await call('POST', '/v1/workspaces', 'root', { workspaceId: 'bench', name: 'Bench' });
  await call('PUT', `${ws}/members/mike/roles/member`, 'root');
  await call('PUT', `${ws}/services/agent-runtime`, 'root');
  await call('POST', `${ws}/channels`, 'root', { channelId: 'eng', name: 'Eng', visibility: 'public' });
  await call('PUT', `${ws}/agent-identity`, 'root', {
    connections: [
      { id: 'code', connector: 'github', account: 'app:bot', actions: ['read'], resources: ['bench/*'] },
    ],
    egress: [{ host: '127.0.0.1', ports: [upstreamPort, sourcePort] }],
  });
  await call('PUT', `${ws}/connections/code/credential`, 'root', {
    kind: 'static',
    secret: `bench-secret-${process.pid}`,
    hosts: ['127.0.0.1'],
    header: 'Authorization: Bearer {secret}',
  });
  const session = await call(
    'POST',
    `${ws}/channels/eng/gateway-sessions`,
    'agent-runtime',
    { invokedBy: 'mike', runId: 'bench-run', ttlSeconds: 3600 },
    ['gateway:session'],
  );
  await app.close();
  cpSync(env.DATA_DIR, join(dir, 'unrecorded'), { recursive: true });
  const gatewayEnv = {
    ...env,
    GATEWAY_SESSION_RATE_PER_SECOND: '100000',
    GATEWAY_GITHUB_API_URL: `https://127.0.0.1:${upstreamPort}`,
    NODE_EXTRA_CA_CERTS: ca.caCertPath,
  };
  const [gateway, unrecorded, bare] = await Promise.all([
    startGatewayProcess(join(ROOT, 'apps', 'gateway', 'src', 'main.ts'), gatewayEnv),
    startGatewayProcess(join(ROOT, 'bench', 'load', 'gateway-unrecorded.main.ts'), {
      ...gatewayEnv,
      DATA_DIR: join(dir, 'unrecorded'),
    }),
    startGatewayProcess(join(ROOT, 'bench', 'load', 'bare-proxy.main.ts'), {
      BARE_PROXY_UPSTREAM: `https://127.0.0.1:${upstreamPort}`,
      NODE_EXTRA_CA_CERTS: ca.caCertPath,
    }),
  ]);
  return {
    config,
    openStore: () => openConfiguredSqliteEventStore(config, new EventSchemaRegistry(eventSchemas)),
    caCert: ca.caCert,
    upstreamUrl: `https://127.0.0.1:${upstreamPort}`,
    sourcePort,
    token: String(session.token),
    gateway,
    unrecorded,
    bare,
    close: async () => {
      await Promise.all([gateway.stop(), unrecorded.stop(), bare.stop()]);
      upstream.closeAllConnections();
      await Promise.all([
        new Promise((resolve) => upstream.close(resolve)),
        new Promise((resolve) => source.close(resolve)),
      ]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
