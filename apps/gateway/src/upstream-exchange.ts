import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LookupFunction } from 'node:net';
import { Agent } from 'undici';
import { redact } from '@mandate/gateway';

/** The largest upstream answer relayed (it is read whole, so an echoed secret can be redacted). */
const MAX_ANSWER_BYTES = 10 * 1024 * 1024;
/** How long connecting, the answer's headers and each wait for its body may take. */
const TIMEOUT_MS = 30_000;
/**
 * Hop-by-hop headers, never forwarded either way; `set-cookie` is not relayed to the agent either.
 * `expect` is the client's exchange with the gateway, not the upstream's (the body is sent whole).
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
]);
const NOT_RELAYED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'set-cookie']);

export interface UpstreamAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * The connector endpoint's client for its upstreams: undici's pool of kept-alive TLS connections
 * (about half the CPU per call of `node:https`'s agent, measured), verification on, HTTP/1.1, no
 * redirect followed. Every new connection resolves its name through `lookup`, which refuses a
 * private destination and hands the socket only the addresses it checked.
 */
export class UpstreamClient {
  private readonly agent: Agent;

  constructor(lookup: LookupFunction) {
    this.agent = new Agent({
      connect: { lookup, timeout: TIMEOUT_MS },
      allowH2: false,
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
  }

  /**
   * One call, the client's body (if it sent one) streamed through, the answer read whole up to
   * `MAX_ANSWER_BYTES`; an error (refused, timed out, too large, a private destination from
   * `lookup`) is returned, not thrown.
   */
  async exchange(
    req: IncomingMessage,
    upstream: URL,
    call: { path: string; headers: Record<string, string | string[] | undefined> },
  ): Promise<UpstreamAnswer | Error> {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(call.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    const hasBody =
      req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0;
    try {
      const answer = await this.agent.request({
        origin: upstream.origin,
        method: req.method ?? 'GET',
        path: call.path,
        headers,
        body: hasBody ? req : null,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of answer.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) {
          answer.body.destroy();
          return new Error('answer too large');
        }
        chunks.push(chunk);
      }
      return { status: answer.statusCode, headers: answer.headers, body: Buffer.concat(chunks) };
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/** The answer to the agent, with `secret` redacted wherever the upstream echoed it. */
export function relay(res: ServerResponse, answer: UpstreamAnswer, secret: string): void {
  const relayed: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined || NOT_RELAYED.has(name)) continue;
    relayed[name] = Array.isArray(value)
      ? value.map((one) => one.replaceAll(secret, '[REDACTED]'))
      : value.replaceAll(secret, '[REDACTED]');
  }
  const body = redact(answer.body, secret);
  relayed['content-length'] = String(body.length);
  res.writeHead(answer.status, relayed).end(body);
}
