import type { MessageEvent } from '@nestjs/common';
import { decodeJwt } from 'jose';
import { Observable } from 'rxjs';
import type { Principal } from '@mandate/auth';
import { DomainError } from '@mandate/domain';
import type { Clock } from '../clock';

/** Streams one principal may hold open at once on one route: each holds a connection and a listener. */
export const MAX_OPEN_STREAMS_PER_PRINCIPAL = 5;
/** Until a stream ends by itself; the client connects again (with a fresh token if need be). */
export const MAX_STREAM_SECONDS = 300;
/** How long a client should wait before connecting again after the stream ended. */
export const RETRY_MS = 1_000;

export interface StreamSink {
  next(event: MessageEvent): void;
  /** Sends `end` ({reason}) and closes the stream. */
  end(reason: string): void;
}

export interface StreamLimits {
  timeoutSeconds: number;
  tokenExpiresAtMs: number;
}

/** When the bearer token the guard verified expires: a stream must not outlive it. */
export function tokenExpiresAtMs(authorization: string): number {
  const { exp = 0 } = decodeJwt(authorization.slice('Bearer '.length));
  return exp * 1000;
}

/**
 * The Server-Sent Event streams of one route, bounded: at most MAX_OPEN_STREAMS_PER_PRINCIPAL
 * open per principal (429 `too-many-streams`), each ended with `end` ({reason}) at its timeout or
 * when the caller's token expires, whichever comes first. What a stream says is the route's own
 * (`start`, which returns how to stop listening); Nest's `@Sse` writes the events.
 */
export class EventStreams {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly what: string,
  ) {}

  stream(
    principal: Principal,
    limits: StreamLimits,
    start: (sink: StreamSink) => () => void,
  ): Observable<MessageEvent> {
    const key = `${principal.kind}:${principal.id}`;
    if ((this.open.get(key) ?? 0) >= MAX_OPEN_STREAMS_PER_PRINCIPAL) {
      throw new DomainError(
        'too_many_requests',
        'too-many-streams',
        `At most ${MAX_OPEN_STREAMS_PER_PRINCIPAL} ${this.what} streams may be open at once.`,
        [],
        { retryAfterSeconds: 5 },
      );
    }
    const endsInMs = Math.min(
      limits.timeoutSeconds * 1000,
      Math.max(0, limits.tokenExpiresAtMs - this.clock.now().getTime()),
    );
    const endReason = endsInMs < limits.timeoutSeconds * 1000 ? 'token-expired' : 'timeout';
    return new Observable<MessageEvent>((subscriber) => {
      this.open.set(key, (this.open.get(key) ?? 0) + 1);
      const sink: StreamSink = {
        next: (event) => subscriber.next(event),
        end: (reason) => {
          if (subscriber.closed) return;
          subscriber.next({ type: 'end', data: { reason } });
          subscriber.complete();
        },
      };
      const stop = start(sink);
      const timer = setTimeout(() => sink.end(endReason), endsInMs);
      return () => {
        clearTimeout(timer);
        stop();
        const left = (this.open.get(key) ?? 1) - 1;
        if (left > 0) this.open.set(key, left);
        else this.open.delete(key);
      };
    });
  }
}
