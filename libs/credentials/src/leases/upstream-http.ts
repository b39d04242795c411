import { type Dispatcher, request } from 'undici';
import { DomainError } from '@mandate/domain';

/**
 * How the minters reach an upstream: undici with the dispatcher given (a private CA's Agent, a
 * proxy), or undici's global one, which trusts the system's CAs and NODE_EXTRA_CA_CERTS.
 * Certificates are always verified: a test trusts its own CA through the dispatcher.
 */
export interface UpstreamHttpOptions {
  dispatcher?: Dispatcher;
  /** Per request, headers and body together. */
  timeoutMs?: number;
}

export interface UpstreamResponse {
  status: number;
  /** The JSON body, or undefined when there is none or it is not JSON. */
  body: unknown;
}

/** Token responses are small: a larger body is refused rather than buffered. */
const MAX_BODY_BYTES = 256 * 1024;

/** A failure worth retrying (network, 5xx, 429): never a refusal, never carries what was sent. */
export const upstreamUnavailable = (what: string, reason: string): DomainError =>
  new DomainError('unavailable', 'upstream-unavailable', `${what}: ${reason}`);

/** A refusal by the upstream (4xx): asking again changes nothing. */
export const upstreamRefused = (what: string, status: number, reason?: string): DomainError =>
  new DomainError(
    'unprocessable',
    'upstream-refused',
    `${what}: HTTP ${status}${reason ? ` (${reason})` : ''}`,
  );

/**
 * One request. The caller's headers carry the secret (a JWT, a token, client credentials); errors
 * name the URL's origin and path and the status only, so no secret reaches a message or a log.
 */
export async function callUpstream(
  url: string,
  init: { method: 'GET' | 'POST' | 'DELETE'; headers: Record<string, string>; body?: string },
  options: UpstreamHttpOptions = {},
): Promise<UpstreamResponse> {
  const where = `${init.method} ${new URL(url).origin}${new URL(url).pathname}`;
  const timeout = options.timeoutMs ?? 10_000;
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, {
      method: init.method,
      headers: { 'user-agent': 'mandate', ...init.headers },
      body: init.body,
      dispatcher: options.dispatcher,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      signal: AbortSignal.timeout(timeout),
    });
  } catch (error) {
    throw upstreamUnavailable(where, error instanceof Error ? error.message : 'no answer');
  }
  const text = await readBounded(response.body, where);
  let body: unknown;
  try {
    body = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.statusCode, body };
}

async function readBounded(body: Dispatcher.ResponseData['body'], where: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) {
        body.destroy();
        throw upstreamUnavailable(where, `answer larger than ${MAX_BODY_BYTES} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw upstreamUnavailable(where, error instanceof Error ? error.message : 'answer cut short');
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** 5xx and 429 are the upstream's trouble and pass; other non-success statuses are refusals. */
export function failureOf(what: string, response: UpstreamResponse, reason?: string): DomainError {
  return response.status >= 500 || response.status === 429
    ? upstreamUnavailable(what, `HTTP ${response.status}`)
    : upstreamRefused(what, response.status, reason);
}

/** A bounded, printable excerpt of an upstream's own error text (GitHub's `message`, OAuth's `error`). */
export function reasonOf(body: unknown, field: string): string | undefined {
  const value = (body as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'string' ? value.replace(/[^\x20-\x7e]/g, '').slice(0, 120) : undefined;
}
