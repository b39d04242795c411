import { createParser } from 'eventsource-parser';

export type UpdatesStatus = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export interface FollowOptions {
  workspaceId: string;
  token: string;
  /** A request the caller may see changed (or the stream (re)connected): read the lists again. */
  onChange: () => void;
  onStatus: (status: UpdatesStatus) => void;
  signal: AbortSignal;
}

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 15_000;

/**
 * Follows `GET …/access-request-updates` (Server-Sent Events) for as long as `signal` lasts. Not an
 * `EventSource`: that cannot send the bearer token, which stays in memory rather than in a cookie.
 * The server ends each stream (timeout, token expiry); this connects again after the wait it
 * names, longer after each failure. A refusal (401, 403, 404) stops: retrying would not help.
 */
export async function followAccessRequestUpdates(options: FollowOptions): Promise<void> {
  const { signal, onStatus } = options;
  let retryMs = FIRST_RETRY_MS;
  let failures = 0;
  while (!signal.aborted) {
    onStatus(failures === 0 ? 'connecting' : 'reconnecting');
    try {
      const response = await fetch(
        `${window.location.origin}/v1/workspaces/${encodeURIComponent(options.workspaceId)}/access-request-updates`,
        { headers: { Authorization: `Bearer ${options.token}`, Accept: 'text/event-stream' }, signal },
      );
      if ([401, 403, 404].includes(response.status)) return onStatus('stopped');
      if (!response.ok || response.body === null) throw new Error(`updates answered ${response.status}`);
      await readEvents(response.body, options, (ms) => (retryMs = ms));
      failures = 0;
    } catch {
      if (signal.aborted) break;
      failures++;
    }
    const wait = failures === 0 ? retryMs : Math.min(MAX_RETRY_MS, retryMs * 2 ** failures);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  onStatus('stopped');
}

async function readEvents(
  body: ReadableStream<Uint8Array>,
  { onChange, onStatus }: FollowOptions,
  onRetry: (ms: number) => void,
): Promise<void> {
  const parser = createParser({
    onRetry,
    onEvent(event) {
      if (event.event === 'ready') {
        onStatus('live');
        // Whatever changed while no stream was open.
        onChange();
      } else if (event.event === 'changed') onChange();
    },
  });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    parser.feed(decoder.decode(value, { stream: true }));
  }
}
