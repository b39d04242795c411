import { createParser } from 'eventsource-parser';
import type { PermissionChange, WatchEnd } from './permission-change';

/** One event of the watch stream, parsed. */
export type WatchEvent =
  | { type: 'change'; id?: string; change: PermissionChange }
  | { type: 'ready' | 'heartbeat'; id?: string; position: number }
  | { type: 'end'; reason: WatchEnd };

export interface WatchRequest {
  baseUrl: string;
  token: string;
  workspaceId: string;
  /** Resume after this position (sent as `Last-Event-ID`). */
  after?: number;
  query?: Record<string, string>;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

/** A refused stream: the problem the API answered with. */
export class WatchRefused extends Error {
  constructor(
    readonly status: number,
    readonly problem: { code?: string; detail?: string },
  ) {
    super(`watch refused: ${status} ${problem.code ?? ''}`);
  }
}

/**
 * Opens one watch stream and yields its events until the server ends it or the connection drops
 * (the iterator then simply finishes; a caller resumes with the last id it saw). fetch rather
 * than EventSource: the token is a header, and Node has no EventSource.
 */
export async function* watchEvents(request: WatchRequest): AsyncGenerator<WatchEvent> {
  const url = new URL(`/v1/workspaces/${encodeURIComponent(request.workspaceId)}/watch`, request.baseUrl);
  for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
  const response = await (request.fetch ?? fetch)(url, {
    headers: {
      authorization: `Bearer ${request.token}`,
      accept: 'text/event-stream',
      ...(request.after === undefined ? {} : { 'last-event-id': String(request.after) }),
    },
    signal: request.signal,
  });
  if (!response.ok || response.body === null) {
    const problem = (await response.json().catch(() => ({}))) as { code?: string; detail?: string };
    throw new WatchRefused(response.status, problem);
  }
  const parsed: WatchEvent[] = [];
  const parser = createParser({
    onEvent: ({ event, id, data }) => {
      const body = JSON.parse(data) as Record<string, unknown>;
      if (event === 'change')
        parsed.push({ type: 'change', id, change: body as unknown as PermissionChange });
      else if (event === 'ready' || event === 'heartbeat')
        parsed.push({ type: event, id, position: Number(body.position) });
      else if (event === 'end') parsed.push({ type: 'end', reason: body.reason as WatchEnd });
    },
  });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      parser.feed(decoder.decode(chunk, { stream: true }));
      yield* parsed.splice(0);
    }
  } catch {
    // The connection dropped or was aborted: the caller resumes from the last id it saw.
  }
}
