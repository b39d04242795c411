import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CheckpointStore, EventStore, Leadership } from '@mandate/event-store';
import { type EventRelay, RELAY_CONSUMER } from '@mandate/kafka';

export interface RelayHealthOptions {
  host: string;
  /** 0: the system picks a free port (tests); the address is in `url` once listening. */
  port: number;
  leadership: Pick<Leadership, 'leads'>;
  store: Pick<EventStore, 'headPosition'>;
  /** The checkpoint every relay node shares: a standby reads where the leader stands. */
  checkpoints: Pick<CheckpointStore, 'load'>;
  relay: Pick<EventRelay, 'connected' | 'lastFailure'>;
  /** A store that does not answer within this makes the relay not ready; the probe never hangs. */
  timeoutMs: number;
}

export interface RelayStatus {
  status: 'ready' | 'not_ready';
  /** `leader`: this process relays; `standby`: another one does, this one takes over if it dies. */
  role: 'leader' | 'standby';
  /** The shared checkpoint: the last position the broker acknowledged, whoever relayed it. */
  checkpoint?: number;
  head?: number;
  /** Events in the log not yet acknowledged by the broker (head − checkpoint). */
  lag?: number;
  detail?: string;
}

export interface RelayHealthServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The standalone relay's probes, on their own port (loopback by default: nothing here is for the
 * public): `/healthz` answers while the process runs; `/readyz` says whether this process leads or
 * stands by, where the shared checkpoint is and how far it lags behind the log's head. Ready means
 * the store answers and, on the leader, the broker takes the batches; a standby is ready (it can
 * take over), so a probe does not restart it for being second.
 */
export async function startRelayHealthServer(options: RelayHealthOptions): Promise<RelayHealthServer> {
  const server = createServer((request, response) => {
    void answer(options, request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return { url: `http://${host}:${port}`, close: () => closeServer(server) };
}

/** Where the relay stands now, bounded by `timeoutMs`. */
export async function relayStatus(options: RelayHealthOptions): Promise<RelayStatus> {
  const role = options.leadership.leads(RELAY_CONSUMER) ? 'leader' : 'standby';
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
  });
  try {
    const [head, checkpoint] = await Promise.race([
      Promise.all([options.store.headPosition(), options.checkpoints.load(RELAY_CONSUMER)]),
      timeout,
    ]);
    const positions = { checkpoint, head, lag: Math.max(0, head - checkpoint) };
    if (role === 'leader' && !options.relay.connected) {
      const detail = `publishing to Kafka fails, retrying: ${options.relay.lastFailure ?? 'unknown error'}`;
      return { status: 'not_ready', role, ...positions, detail };
    }
    return { status: 'ready', role, ...positions };
  } catch (error) {
    const detail = `event store: ${error instanceof Error ? error.message : String(error)}`;
    return { status: 'not_ready', role, detail };
  } finally {
    clearTimeout(timer);
  }
}

async function answer(options: RelayHealthOptions, request: IncomingMessage, response: ServerResponse) {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return problem(response, 405, 'method-not-allowed', 'The relay’s probes answer GET only', {
      allow: 'GET, HEAD',
    });
  }
  if (path === '/healthz') return json(response, 200, { status: 'ok' });
  if (path === '/readyz') {
    const status = await relayStatus(options);
    return json(response, status.status === 'ready' ? 200 : 503, status);
  }
  return problem(response, 404, 'route-not-found', 'The relay serves /healthz and /readyz');
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function problem(
  response: ServerResponse,
  status: number,
  code: string,
  detail: string,
  headers: Record<string, string> = {},
): void {
  const title = status === 404 ? 'No such route' : 'Method not allowed';
  const body = { type: `urn:mandate:problem:${code}`, title, status, detail, code };
  response
    .writeHead(status, { 'content-type': 'application/problem+json', ...headers })
    .end(JSON.stringify(body));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
