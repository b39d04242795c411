import type { ServerResponse, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { redact } from '@mandate/gateway';

/** The largest upstream answer relayed (it is read whole, so an echoed secret can be redacted). */
const MAX_ANSWER_BYTES = 10 * 1024 * 1024;
/** Hop-by-hop headers, never forwarded either way; `set-cookie` is not relayed to the agent either. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade'];
const NOT_RELAYED = ['connection', 'keep-alive', 'transfer-encoding', 'set-cookie'];

export interface UpstreamAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * One call to the upstream over TLS (verified), the client's body piped through, the answer read
 * whole up to `MAX_ANSWER_BYTES`; an error (refused, timed out, too large, a private destination
 * from `lookup`) is returned, not thrown.
 */
export function exchange(
  req: IncomingMessage,
  upstream: URL,
  call: { path: string; headers: Record<string, string | string[] | undefined>; lookup: LookupFunction },
): Promise<UpstreamAnswer | Error> {
  const headers = { ...call.headers };
  for (const hop of HOP_BY_HOP) delete headers[hop];
  return new Promise((resolve) => {
    const outgoing = httpsRequest(
      {
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port || 443,
        // A name is resolved and checked for each new socket, which connects to what was checked.
        lookup: call.lookup,
        method: req.method,
        path: call.path,
        headers,
        timeout: 30_000,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        let size = 0;
        incoming.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) return void incoming.destroy(new Error('answer too large'));
          chunks.push(chunk);
        });
        incoming.on('end', () =>
          resolve({
            status: incoming.statusCode ?? 502,
            headers: incoming.headers,
            body: Buffer.concat(chunks),
          }),
        );
        incoming.on('error', resolve);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('upstream timeout')));
    outgoing.on('error', resolve);
    req.pipe(outgoing);
  });
}

/** The answer to the agent, with `secret` redacted wherever the upstream echoed it. */
export function relay(res: ServerResponse, answer: UpstreamAnswer, secret: string): void {
  const relayed: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined || NOT_RELAYED.includes(name)) continue;
    relayed[name] = Array.isArray(value)
      ? value.map((one) => one.replaceAll(secret, '[REDACTED]'))
      : value.replaceAll(secret, '[REDACTED]');
  }
  const body = redact(answer.body, secret);
  relayed['content-length'] = String(body.length);
  res.writeHead(answer.status, relayed).end(body);
}
