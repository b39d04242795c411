import type { Position } from '@eventstore/db-client';
import type { EventStoreDbLogReader } from './eventstoredb-log-reader';
import { isBefore, positionOfSeal, samePosition, type Seal } from './log-event';

/** Seals read in one page once the search has narrowed to this many: one read beats more probes. */
const PAGE = 256;

/**
 * A page of the seals of positions `lo..hi` (read from the chain stream) that holds the seal
 * naming the event at `place` in `$all` if any does. Seals follow `$all` order, so a binary search
 * by revision narrows to it in about log2((hi - lo) / 256) single-seal reads; the page runs on
 * from there, so the events after it (the rest of an aggregate's batch) are found in it too.
 */
export async function pageAround(
  reader: EventStoreDbLogReader,
  place: Position,
  lo: number,
  hi: number,
): Promise<Seal[]> {
  let from = lo;
  let to = hi;
  while (to - from + 1 > PAGE) {
    const middle = Math.floor((from + to) / 2);
    const seal = await firstOf(reader.seals(middle, 1));
    if (!seal) return [];
    const at = positionOfSeal(seal);
    if (samePosition(at, place)) {
      from = middle;
      break;
    }
    if (isBefore(at, place)) from = middle + 1;
    else to = middle - 1;
  }
  const page: Seal[] = [];
  for await (const seal of reader.seals(from, Math.min(PAGE, hi - from + 1))) page.push(seal);
  return page;
}

/** Whether `place` falls within the places `page` spans. */
export const spans = (page: Seal[], place: Position): boolean =>
  page.length > 0 &&
  !isBefore(place, positionOfSeal(page[0])) &&
  !isBefore(positionOfSeal(page[page.length - 1]), place);

async function firstOf<T>(items: AsyncGenerator<T>): Promise<T | undefined> {
  const next = await items.next();
  await items.return(undefined);
  return next.done ? undefined : next.value;
}
