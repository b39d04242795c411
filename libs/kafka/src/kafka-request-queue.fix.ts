/**
 * kafkajs 2.2.4 (the last release) polls every connection's request queue forever once the
 * connection has answered a request: `scheduleCheckPendingRequests` arms a timer for
 * `throttledUntil - Date.now()`, and `throttledUntil` is -1 when nothing throttled the connection,
 * so the delay is minus the epoch; Node runs such a timer after 1 ms (and Node 24 warns,
 * `TimeoutNegativeWarning`), and the check it runs arms the next. A thousand wake-ups a second per
 * broker connection, in every process with a Kafka client (tulios/kafkajs#1751; the proposed fixes,
 * #1755 and #1768, are not merged).
 *
 * The replacement keeps the library's behaviour for what it is for: a request waiting behind the
 * in-flight limit or a throttle is checked again when the throttle ends, or after the library's own
 * 10 ms; with nothing waiting and no throttle, nothing is armed (a new request or an answer checks
 * the queue again, as before). Loaded once, with the module that creates every Kafka client.
 */

/** The fields of kafkajs's RequestQueue this touches (not part of its typed API). */
interface RequestQueueInternals {
  throttledUntil: number;
  pending: unknown[];
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs's CHECK_PENDING_REQUESTS_INTERVAL. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prototype } = require('kafkajs/src/network/requestQueue') as { prototype: RequestQueueInternals };

prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(
  this: RequestQueueInternals,
): void {
  if (this.throttleCheckTimeoutId) return;
  const throttledForMs = this.throttledUntil - Date.now();
  if (this.pending.length === 0 && throttledForMs <= 0) return;
  const delayMs = throttledForMs > 0 ? throttledForMs : CHECK_PENDING_REQUESTS_INTERVAL_MS;
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, delayMs);
};
