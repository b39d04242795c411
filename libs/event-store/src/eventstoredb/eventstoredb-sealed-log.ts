import type { EventStoreDbLogReader } from './eventstoredb-log-reader';
import { isBefore, positionOfSeal, type MandateRecord, type Seal } from './log-event';

/**
 * Walks `seals` (consecutive positions) beside the Mandate events of `$all` from the first seal's
 * place, pairing each seal with the event `$all` holds in its turn. A seal whose place `$all` has
 * passed (its event was removed: a truncation and scavenge, or a disk edit) is paired with none;
 * a pair whose event is not the one the seal names is still returned. The reader decides (a read
 * fails, the verifier reports it). The walk ends with the seals, or where `$all` ends: seals
 * past that may name events appended during the walk, so the newest events' removal is told by
 * the adapter's `attestedHead` instead.
 */
export async function* withSealedEvents(
  reader: EventStoreDbLogReader,
  seals: AsyncIterable<Seal> | Iterable<Seal>,
): AsyncGenerator<[MandateRecord | undefined, Seal]> {
  const pending = (Symbol.asyncIterator in seals ? seals : toAsync(seals))[Symbol.asyncIterator]();
  let next = await pending.next();
  if (next.done) return;
  try {
    for await (const record of reader.mandateRecords(positionOfSeal(next.value), false)) {
      while (isBefore(positionOfSeal(next.value), record.position)) {
        yield [undefined, next.value];
        next = await pending.next();
        if (next.done) return;
      }
      yield [record, next.value];
      next = await pending.next();
      if (next.done) return;
    }
  } finally {
    await pending.return?.();
  }
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

/** Whether `record` is the event `seal` names, where it names it. */
export const isSealed = (record: MandateRecord, seal: Seal): boolean =>
  record.id === seal.eventId &&
  record.streamId === seal.streamId &&
  record.revision === seal.revision &&
  record.position.commit.toString() === seal.commit &&
  record.position.prepare.toString() === seal.prepare;
