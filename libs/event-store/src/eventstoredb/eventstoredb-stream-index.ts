import type { ReadStreamOptions } from '../event-store.port';
import { GENESIS_HASH } from '../tamper/canonical-encoding';
import type { Head } from './eventstoredb-log-chain';
import type { LogEventBody } from './log-event';

/**
 * Per-aggregate streams over the one log stream: stream id → its events' global positions, event
 * id → position, and the head this instance has indexed. Built from the log by each instance.
 */
export class LogStreamIndex {
  private readonly positionsByStream = new Map<string, number[]>();
  private readonly positionById = new Map<string, number>();
  head: Head = { position: 0, hash: GENESIS_HASH };

  add(id: string, body: LogEventBody): void {
    const positions = this.positionsByStream.get(body.streamId) ?? [];
    positions.push(body.globalPosition);
    this.positionsByStream.set(body.streamId, positions);
    this.positionById.set(id, body.globalPosition);
    this.head = { position: body.globalPosition, hash: body.hash };
  }

  has(eventId: string): boolean {
    return this.positionById.has(eventId);
  }

  positionOf(eventId: string): number | undefined {
    return this.positionById.get(eventId);
  }

  /** The stream's current revision: -1 when it has no event. */
  revisionOf(streamId: string): number {
    return (this.positionsByStream.get(streamId)?.length ?? 0) - 1;
  }

  /** The global positions a stream read selects, in the order it returns them. */
  select(streamId: string, { from, direction = 'forwards', limit }: ReadStreamOptions): number[] {
    const positions = this.positionsByStream.get(streamId) ?? [];
    const count = limit ?? Number.MAX_SAFE_INTEGER;
    if (direction === 'forwards') {
      const start = Math.max(0, from ?? 0);
      return positions.slice(start, start + count);
    }
    const start = Math.min(from ?? positions.length - 1, positions.length - 1);
    return positions.slice(Math.max(0, start - count + 1), start + 1).reverse();
  }
}
