import type { EventStoreDbLogReader } from './eventstoredb-log-reader';
import { positionOfSeal, type MandateRecord, type Seal } from './log-event';

/**
 * Walks `seals` (consecutive positions) beside the Mandate events of `$all` from the first seal's
 * place, pairing each seal with the event `$all` holds in its turn. A pair whose event is not the
 * one the seal names is still returned: the reader decides (a read fails, the verifier reports
 * it). The walk ends with the seals, or where `$all` ends (a truncated log): `undefined` then.
 */
export async function* withSealedEvents(
  reader: EventStoreDbLogReader,
  seals: AsyncIterable<Seal> | Iterable<Seal>,
): AsyncGenerator<[MandateRecord, Seal]> {
  const pending = (Symbol.asyncIterator in seals ? seals : toAsync(seals))[Symbol.asyncIterator]();
  let next = await pending.next();
  if (next.done) return;
  try {
    for await (const record of reader.mandateRecords(positionOfSeal(next.value), false)) {
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
