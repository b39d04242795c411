import { execFile } from 'node:child_process';
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AgentIdentityDocumentInput } from '@mandate/domain';
import {
  createTempDir,
  createTestCertificateAuthority,
  startTsProcess,
  type TsProcess,
} from '@mandate/testing';
import { IdentityLog } from '../../libs/projections/test/identity-log';
import { type IdentityApi, startIdentityApi } from '../identity/identity-test-kit';

const execFileAsync = promisify(execFile);

/** Proxy variables a developer's shell may carry would send the clients elsewhere: cleared. */
export const clientEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  http_proxy: '',
  https_proxy: '',
  HTTP_PROXY: '',
  HTTPS_PROXY: '',
  no_proxy: '',
  NO_PROXY: '',
  ...extra,
});

export interface RunningGateway {
  process: TsProcess;
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * The gateway's own entry point in a child process, on the API's data directory and a free port.
 * With `dns`, names resolve as that zone says (test-dns-gateway.main.ts): how a test makes an
 * allowed name lead to an internal address.
 */
export async function startGatewayProcess(
  env: Record<string, string>,
  dns?: Record<string, string[]>,
): Promise<RunningGateway> {
  const entry =
    dns === undefined
      ? join(__dirname, '..', '..', 'apps', 'gateway', 'src', 'main.ts')
      : join(__dirname, 'test-dns-gateway.main.ts');
  const zone = dns === undefined ? {} : { MANDATE_TEST_DNS: JSON.stringify(dns) };
  const child = startTsProcess(entry, [], {
    ...zone,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_PORT: '0',
    ...env,
  });
  const listening = (await child.waitFor(
    (message) => (message as { msg?: string }).msg === 'gateway listening',
  )) as { url: string };
  let stopped: Promise<void> | undefined;
  return {
    process: child,
    url: listening.url,
    port: Number(new URL(listening.url).port),
    stop: () =>
      (stopped ??= (async () => {
        if (child.child.exitCode === null) child.child.kill('SIGTERM');
        await child.closed;
      })()),
  };
}

/** curl's answer: the response status, the CONNECT status (000 when none), the body. */
export async function curl(args: string[]): Promise<{ status: string; connect: string; body: string }> {
  const output = await execFileAsync(
    'curl',
    ['-sS', '--max-time', '10', '-w', '\n%{http_code} %{http_connect}', ...args],
    { env: clientEnv() },
  ).then(
    ({ stdout }) => stdout,
    (error: { stdout?: string }) => error.stdout ?? '',
  );
  const lines = output.split('\n');
  const [status, connectStatus] = (lines.pop() ?? '').split(' ');
  return { status, connect: connectStatus, body: lines.join('\n') };
}

/** A raw CONNECT; resolves with the status line's code and the socket (open when 200). */
export async function rawConnect(
  gatewayPort: number,
  authority: string,
  authorization?: string,
): Promise<{ status: number; socket: Socket; head: string }> {
  const socket = connect(gatewayPort, '127.0.0.1');
  await once(socket, 'connect');
  const auth = authorization === undefined ? '' : `Proxy-Authorization: ${authorization}\r\n`;
  socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${auth}\r\n`);
  let received = '';
  while (!received.includes('\r\n\r\n')) {
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    received += chunk.toString('latin1');
  }
  socket.pause();
  return { status: Number(received.split(' ')[1]), socket, head: received };
}

/** What the upstream stand-in received: the credential the gateway injected is the point. */
export interface SeenRequest {
  method: string;
  url: string;
  authorization: string | null;
}

export interface ConnectorScene {
  api: IdentityApi;
  log: IdentityLog;
  gateway: RunningGateway;
  upstream: Server;
  /** Every request the upstream received, in order. */
  seen: SeenRequest[];
  /** The environment the gateway was started with, to start another one like it. */
  gatewayEnv: Record<string, string>;
  /** The agent runtime's gateway session token for #eng, invoked by dave. */
  token: string;
  /** A call to a connector endpoint with the session token (redirects not followed). */
  call(connection: string, method: string, path: string, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The connector-endpoint scene: an HTTPS upstream (the GitHub API's place) with a CA of its own that
 * records what it receives and answers with `respond` (200 `{"ok":true}` by default); the API with
 * workspace acme (dave a member, the agent runtime bound, channel eng) whose baseline holds
 * `connections`; `secret` stored as a static credential of connection `code` for that host; the
 * gateway process trusting the CA; and a gateway session of the runtime in #eng for dave.
 */
export async function startConnectorScene(options: {
  connections: AgentIdentityDocumentInput['connections'];
  secret: string;
  runId: string;
  respond?: (req: IncomingMessage, res: ServerResponse) => void;
  /** How the gateway names the upstream (and the credential's bound host): its address by default. */
  upstreamHost?: '127.0.0.1' | 'localhost';
  /** More settings for the gateway process. */
  gatewayEnv?: Record<string, string>;
}): Promise<ConnectorScene> {
  const upstreamHost = options.upstreamHost ?? '127.0.0.1';
  const dir = createTempDir('mandate-connector-');
  const ca = createTestCertificateAuthority(dir.path);
  const seen: SeenRequest[] = [];
  const respond =
    options.respond ??
    ((_req: IncomingMessage, res: ServerResponse) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  const upstream = createHttpsServer({ cert: ca.cert, key: ca.key }, (req, res) => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization ?? null,
    });
    respond(req, res);
  });
  await once(upstream.listen(0, '127.0.0.1'), 'listening');

  const api = await startIdentityApi({ SQLITE_POLL_INTERVAL_MS: '20' });
  let gateway: RunningGateway | undefined;
  const close = async () => {
    await gateway?.stop();
    await api.app.close();
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
    dir.remove();
  };
  try {
    const log = new IdentityLog(api.store);
    await log.workspace('acme', 'root', {
      type: 'CreateWorkspace',
      workspaceId: 'acme',
      name: 'Acme',
      actorIsPlatformAdmin: true,
    });
    await log.workspace('acme', 'root', { type: 'GrantMemberRole', principalId: 'dave', role: 'member' });
    await log.workspace('acme', 'root', { type: 'BindService', serviceId: 'agent-runtime' });
    await log.baseline('acme', 'root', { connections: options.connections });
    await log.channel('acme', 'root', {
      type: 'CreateChannel',
      channelId: 'eng',
      workspaceId: 'acme',
      name: 'Eng',
      visibility: 'public',
    });
    const stored = await api.call('PUT', '/v1/workspaces/acme/connections/code/credential', {
      as: 'root',
      body: {
        kind: 'static',
        secret: options.secret,
        hosts: [upstreamHost],
        header: 'Authorization: Bearer {secret}',
      },
    });
    if (stored.statusCode !== 200)
      throw new Error(`credential not stored: ${stored.statusCode} ${stored.body}`);
    const gatewayEnv = {
      DATA_DIR: api.config.DATA_DIR,
      SQLITE_POLL_INTERVAL_MS: '20',
      GATEWAY_GITHUB_API_URL: `https://${upstreamHost}:${(upstream.address() as AddressInfo).port}`,
      NODE_EXTRA_CA_CERTS: ca.caCertPath,
      ...options.gatewayEnv,
    };
    gateway = await startGatewayProcess(gatewayEnv);
    const session = await api.call('POST', '/v1/workspaces/acme/channels/eng/gateway-sessions', {
      as: 'agent-runtime',
      scopes: ['gateway:session'],
      body: { invokedBy: 'dave', runId: options.runId },
    });
    const { token } = session.json<{ token: string }>();
    const url = gateway.url;
    return {
      api,
      log,
      gateway,
      upstream,
      seen,
      gatewayEnv,
      token,
      call: (connection, method, path, headers = {}) =>
        fetch(`${url}/connectors/${connection}${path}`, {
          method,
          // The agent's client must not follow either: the test looks at what the gateway answered.
          redirect: 'manual',
          headers: { 'proxy-authorization': `Bearer ${token}`, ...headers },
        }),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
