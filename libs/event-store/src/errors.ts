import { DomainError } from '@mandate/domain';

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
