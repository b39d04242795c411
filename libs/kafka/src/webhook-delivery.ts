import { backoffDelay, sleep, type BackoffOptions } from './backoff';

export interface WebhookDeliveryOptions {
  url: string;
  maxAttempts: number;
  backoff: BackoffOptions;
  timeoutMs?: number;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

export type WebhookOutcome =
  | { delivered: true; attempts: number }
  | { delivered: false; attempts: number; error: string; permanent: boolean };

/** Worth another try: the receiver is down, slow, rate limiting or failing, not refusing. */
const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

/**
 * POSTs a JSON body until the receiver answers 2xx, up to `maxAttempts` with backoff. A refusal
 * (another 4xx) is not retried: sending the same body again would be refused again.
 */
export async function deliverToWebhook(
  body: unknown,
  options: WebhookDeliveryOptions,
): Promise<WebhookOutcome> {
  const send = options.fetch ?? fetch;
  let error = 'not attempted';
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    try {
      const response = await send(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) return { delivered: true, attempts: attempt };
      error = `HTTP ${response.status}`;
      if (!retryable(response.status)) return { delivered: false, attempts: attempt, error, permanent: true };
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
    }
    if (options.signal?.aborted) break;
    if (attempt < options.maxAttempts)
      await sleep(backoffDelay(attempt - 1, options.backoff), options.signal);
  }
  return { delivered: false, attempts: options.maxAttempts, error, permanent: false };
}
