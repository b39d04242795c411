import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { LookupAddress } from 'node:dns';
import { dialHost, parseAbsoluteUrl, parseAuthority, type ProxyTarget } from '@mandate/gateway';
import {
  type Logger,
  type ReadinessRegistry,
  traceHttpRequest,
  traceTunnel,
  tracingEnabled,
} from '@mandate/observability';
import type { ConnectorEndpoint } from './connector-endpoint';
import { pinnedLookup } from './destination-resolver';
import { type EgressGate, type Refusal, refusal, upstreamUnreachable } from './egress-gate';
import type { GatewayMetrics } from './gateway-metrics';
import type { TunnelRegistry } from './tunnel-registry';

export interface GatewayServerOptions {
  gate: EgressGate;
  tunnels: TunnelRegistry;
  metrics: GatewayMetrics;
  readiness: ReadinessRegistry;
  logger: Logger;
  /** `/connectors/{connectionId}/…`: the credential-injecting endpoint. */
  connectors?: ConnectorEndpoint;
  /** How long opening an upstream connection may take. */
  connectTimeoutMs?: number;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) and the proxy's own: never forwarded either way. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function endToEnd(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase()),
  );
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    kept[name] = value;
  }
  return kept;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  407: 'Proxy Authentication Required',
  429: 'Too Many Requests',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** A refusal written on a CONNECT socket, which has no ServerResponse. */
function writeRefusal(socket: Socket, { status, headers, body }: Refusal): void {
  const lines = [`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}`];
  for (const [name, value] of Object.entries(headers)) {
    for (const one of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${one}`);
  }
  lines.push(`content-length: ${Buffer.byteLength(body)}`, 'connection: close', '', body);
  socket.end(lines.join('\r\n'));
}

const upstreamFailure = (requestId: string): Refusal =>
  refusal(upstreamUnreachable('The allowed host could not be reached'), requestId).refusal;

/** What a request's span is named after: the kind of request, never its URL. */
const gatewayRouteOf = (url = ''): string =>
  url.startsWith('/connectors/')
    ? '/connectors/{connectionId}'
    : url.startsWith('/')
      ? 'probe'
      : 'forward-proxy';

/**
 * The forward proxy on plain `node:http`: `CONNECT host:port` tunnels (the bytes are relayed
 * untouched, so TLS stays end to end between the agent and the host) and absolute-form plain-HTTP
 * requests. Origin-form requests are the gateway's own probes and metrics.
 */
export class GatewayServer {
  readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly options: GatewayServerOptions) {
    // Tracing off: the handlers as they were, nothing wrapped.
    const traced = tracingEnabled();
    this.server = createServer(
      traced
        ? (req, res) =>
            traceHttpRequest(req, res, gatewayRouteOf(req.url), () => void this.onRequest(req, res))
        : (req, res) => void this.onRequest(req, res),
    );
    this.server.on(
      'connect',
      (req: IncomingMessage, socket: Duplex, head: Buffer) =>
        void (traced
          ? traceTunnel(req, () => this.onConnect(req, socket as Socket, head))
          : this.onConnect(req, socket as Socket, head)),
    );
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve(this.server.address() as AddressInfo));
    });
  }

  /** Stops accepting, closes tunnels and idle connections. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.options.tunnels.stop();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private async onConnect(req: IncomingMessage, client: Socket, head: Buffer): Promise<void> {
    const { gate, metrics, tunnels } = this.options;
    client.on('error', () => client.destroy());
    const admission = await gate.admit(req.headers['proxy-authorization'], () =>
      parseAuthority(req.url ?? ''),
    );
    if (!admission.ok) {
      metrics.count('connect', admission.refusal.outcome);
      writeRefusal(client, admission.refusal);
      return;
    }
    const { session, target, requestId, addresses } = admission;
    const stopTimer = metrics.upstreamConnectSeconds.startTimer();
    // Only the addresses the gate checked: a name is not resolved a second time.
    const upstream = connect({
      host: dialHost(target.host),
      port: target.port,
      lookup: pinnedLookup(addresses),
    });
    let tunnelOpen = false;
    upstream.setTimeout(this.options.connectTimeoutMs ?? 10_000, () =>
      upstream.destroy(new Error('connect timeout')),
    );
    upstream.on('error', (error) => {
      if (!tunnelOpen)
        this.options.logger.info(
          { err: error, host: target.host.text, port: target.port },
          'upstream unreachable',
        );
    });
    upstream.once('close', () => {
      if (tunnelOpen) return;
      metrics.count('connect', 'upstream-error');
      if (!client.destroyed) writeRefusal(client, upstreamFailure(requestId));
    });
    upstream.once('connect', () => {
      stopTimer();
      upstream.setTimeout(0);
      if (client.destroyed) return void upstream.destroy();
      tunnelOpen = true;
      metrics.count('connect', 'allowed');
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      tunnels.add(session, target, client, upstream);
      upstream.pipe(client);
      client.pipe(upstream);
    });
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '';
    if (url.startsWith('/connectors/') && this.options.connectors) {
      return this.options.connectors.handle(req, res, url).catch((error: unknown) => {
        this.options.logger.error({ err: error }, 'connector call failed');
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/problem+json' });
        res.end();
      });
    }
    if (url.startsWith('/')) return this.probe(url, res);
    const { gate, metrics } = this.options;
    const admission = await gate.admit(req.headers['proxy-authorization'], () => parseAbsoluteUrl(url));
    if (!admission.ok) {
      metrics.count('http', admission.refusal.outcome);
      const { status, headers, body } = admission.refusal;
      res.writeHead(status, headers).end(body);
      req.resume();
      return;
    }
    this.forward(req, res, admission.target, admission.addresses, admission.path ?? '/', admission.requestId);
  }

  /** Forwards to the host that was decided on, naming it in `Host` whatever the client wrote there. */
  private forward(
    req: IncomingMessage,
    res: ServerResponse,
    target: ProxyTarget,
    addresses: LookupAddress[],
    path: string,
    requestId: string,
  ): void {
    const { metrics } = this.options;
    const host = target.port === 80 ? target.host.text : `${target.host.text}:${target.port}`;
    const upstream = request(
      {
        host: dialHost(target.host),
        port: target.port,
        lookup: pinnedLookup(addresses),
        method: req.method,
        path,
        headers: { ...endToEnd(req.headers), host },
        timeout: this.options.connectTimeoutMs ?? 10_000,
      },
      (answer) => {
        metrics.count('http', 'allowed');
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.on('data', (chunk: Buffer) => metrics.bytes.inc({ direction: 'in' }, chunk.length));
        answer.pipe(res);
      },
    );
    upstream.on('timeout', () => upstream.destroy(new Error('upstream timeout')));
    upstream.on('error', () => {
      if (res.headersSent) return void res.destroy();
      metrics.count('http', 'upstream-error');
      const { status, headers, body } = upstreamFailure(requestId);
      res.writeHead(status, headers).end(body);
    });
    req.on('data', (chunk: Buffer) => metrics.bytes.inc({ direction: 'out' }, chunk.length));
    req.pipe(upstream);
  }

  private async probe(url: string, res: ServerResponse): Promise<void> {
    const path = url.split('?')[0];
    if (path === '/healthz')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    if (path === '/readyz') {
      const report = await this.options.readiness.report();
      const status = report.status === 'ready' ? 200 : 503;
      return void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(report));
    }
    if (path === '/metrics') {
      const { registry } = this.options.metrics;
      return void res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
    }
    const body = JSON.stringify({
      type: 'urn:mandate:problem:route-not-found',
      title: 'No such route',
      status: 404,
      detail:
        'The gateway serves /healthz, /readyz and /metrics; proxy requests use an absolute URL or CONNECT',
      code: 'route-not-found',
    });
    res.writeHead(404, { 'content-type': 'application/problem+json' }).end(body);
  }
}
