import { DomainError } from '@mandate/domain';
import type { ExpectedRevision } from './event-store.port';

/** Optimistic concurrency conflict: someone else wrote to the stream first. */
export class WrongExpectedVersion extends DomainError {
  constructor(
    readonly streamId: string,
    readonly expected: string | number,
    readonly actual: number | 'no_stream',
  ) {
    super(
      'conflict',
      'wrong-expected-version',
      `Stream ${streamId} is at revision ${actual}, expected ${expected}`,
      [],
      { streamId, expected, actual },
    );
    this.name = 'WrongExpectedVersion';
  }
}

/** Refuses an append whose expected revision does not match the stream's (`-1`: no stream yet). */
export function checkExpectedRevision(streamId: string, expected: ExpectedRevision, current: number): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current === -1) ||
    (expected === 'stream_exists' && current >= 0) ||
    expected === current;
  if (!ok) throw new WrongExpectedVersion(streamId, expected, current === -1 ? 'no_stream' : current);
}

/** An event id already stored with other content or at another place: never silently accepted. */
export function duplicateEventId(id: string, streamId: string): DomainError {
  return new DomainError(
    'conflict',
    'duplicate-event-id',
    `Event ${id} is already stored with different content or position`,
    [],
    { id, streamId },
  );
}
