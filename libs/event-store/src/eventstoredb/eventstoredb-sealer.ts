import { setTimeout as sleep } from 'node:timers/promises';
import {
  type EventStoreDBClient,
  type Position,
  jsonEvent,
  NO_STREAM,
  START,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { computeEventHash, GENESIS_HASH } from '../tamper/canonical-encoding';
import type { EventStoreDbLogReader } from './eventstoredb-log-reader';
import { positionsAmong, SealIndex } from './eventstoredb-seal-index';
import { pageAround, spans } from './eventstoredb-seal-search';
import {
  envelopeOf,
  isBefore,
  positionOfSeal,
  samePosition,
  type MandateRecord,
  type Seal,
} from './log-event';

/** Refusals in a row, with no newer seal to read, before sealing gives up (about 4 s of backing off). */
const STALE_ATTEMPTS = 50;

/** Seals written per append to the chain stream (well under the server's 1 MiB append limit). */
const SEAL_BATCH = 256;

/**
 * Gives the Mandate events of `$all` their log positions and hash chain, and keeps this node's
 * index of the seals.
 *
 * The N-th Mandate event in `$all` order (aggregate streams only) is position N; its hash links to
 * position N - 1's, computed exactly as SQLite and PostgreSQL compute theirs. Both follow from
 * `$all` alone, so every node computes the same seals: any node may seal, and the chain stream's
 * expected revision (the last sealed position - 1) keeps two sealers from forking it. A node that
 * loses that race reads the winner's seals and goes on from there; nothing is decided again.
 */
export class EventStoreDbSealer {
  readonly index: SealIndex;
  private exclusive: Promise<unknown> = Promise.resolve();
  private queued: Promise<void> | null = null;
  private started = false;

  /** `window`: how many of the newest seals the node keeps in memory (see `SealIndex`). */
  constructor(
    private readonly client: Pick<EventStoreDBClient, 'appendToStream'>,
    private readonly reader: EventStoreDbLogReader,
    window?: number,
  ) {
    this.index = new SealIndex(window);
  }

  /** Reads into the index the seals other nodes wrote. */
  catchUp(): Promise<void> {
    return this.serialised(() => this.readSeals());
  }

  /**
   * Seals every Mandate event `$all` holds when the run starts. Callers arriving while a run is
   * queued share it; a run already going may have read `$all` before their events, so they queue
   * the next one.
   */
  seal(): Promise<void> {
    this.queued ??= this.serialised(async () => {
      this.queued = null;
      for (let stale = 0; ;) {
        const round = await this.sealRound();
        if (round === 'done') return;
        // Another round: the batch was full, or another node sealed first and its seals were read.
        if (round === 'more') stale = 0;
        else if (++stale < STALE_ATTEMPTS) await sleep(Math.min(100, stale * 5));
        else {
          throw new Error(
            `The chain stream refused seal ${this.index.head + 1} ${stale} times but holds no seal past ` +
              `${this.index.head} as read: reads lag far behind writes, or the chain stream was changed`,
          );
        }
      }
    });
    return this.queued;
  }

  /** Resolves once nothing runs (a store closing waits for its last seal). */
  idle(): Promise<void> {
    return this.exclusive.then(() => undefined);
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.exclusive.then(work, work);
    this.exclusive = run.catch(() => undefined);
    return run;
  }

  /**
   * Seals `from..from+count-1`: from the window when it holds them all, else from the chain stream
   * (a page at a time, as the caller walks them).
   */
  sealsFrom(from: number, count: number): AsyncIterable<Seal> | Iterable<Seal> {
    return from >= this.index.first ? this.index.slice(from, count) : this.reader.seals(from, count);
  }

  /**
   * Positions of revisions `first..first+count-1` of `streamId` among the seals read after
   * position `after` (see `positionsAmong`): from the window, or the chain stream when more
   * seals than it holds were written since.
   */
  positionsAfter(
    after: number,
    streamId: string,
    first: number,
    count: number,
  ): Promise<number[] | undefined> {
    return positionsAmong(this.sealsFrom(after + 1, this.index.head - after), streamId, first, count);
  }

  /**
   * The seals of the events at `places`, undefined for an event not sealed as far as this node has
   * read: from the window, or found in the chain stream for an event older than it (searched in
   * `$all` order, whatever the order asked in, so that each search starts past the last found and
   * one page serves the events that follow).
   */
  async sealsAt(places: Position[]): Promise<(Seal | undefined)[]> {
    const seals = new Array<Seal | undefined>(places.length);
    const order = places.map((_, index) => index);
    order.sort((a, b) => (isBefore(places[a], places[b]) ? -1 : isBefore(places[b], places[a]) ? 1 : 0));
    let lo = 1;
    let page: Seal[] = [];
    for (const index of order) {
      const place = places[index];
      let seal = this.index.byPlace(place);
      const oldest = this.index.at(this.index.first);
      if (!seal && oldest && isBefore(place, positionOfSeal(oldest))) {
        if (!spans(page, place)) page = await pageAround(this.reader, place, lo, this.index.first - 1);
        seal = page.find((held) => samePosition(positionOfSeal(held), place));
      }
      if (seal) lo = seal.position + 1;
      seals[index] = seal;
    }
    return seals;
  }

  private async readSeals(): Promise<void> {
    if (!this.started) {
      // A node starts from the chain's end: the window's worth of seals, not the whole log.
      const last = await this.reader.lastSeal();
      if (last) this.index.startAt(Math.max(1, last.position - this.index.capacity + 1));
      this.started = true;
    }
    for await (const seal of this.reader.seals(this.index.head + 1)) this.index.add(seal);
  }

  /**
   * One batch: `more` when there may be more to seal, `stale` when the chain stream refused the
   * batch yet no seal of another node can be read (a read served behind the write).
   */
  private async sealRound(): Promise<'done' | 'more' | 'stale'> {
    await this.readSeals();
    const last = this.index.last;
    const pending: MandateRecord[] = [];
    for await (const record of this.reader.mandateRecords(last ? positionOfSeal(last) : START, !!last)) {
      pending.push(record);
      if (pending.length === SEAL_BATCH) break;
    }
    if (pending.length === 0) return 'done';
    const seals = sealsAfter(last, pending);
    try {
      await this.client.appendToStream(
        this.reader.names.chainStream,
        seals.map((seal) =>
          jsonEvent({ type: 'EventSealed', data: seal as unknown as Record<string, unknown> }),
        ),
        { expectedRevision: last ? BigInt(last.position - 1) : NO_STREAM },
      );
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      const head = this.index.head;
      await this.readSeals();
      return this.index.head > head ? 'more' : 'stale';
    }
    seals.forEach((seal) => this.index.add(seal));
    return pending.length === SEAL_BATCH ? 'more' : 'done';
  }
}

/** Seals for `records`, the Mandate events following `last` in `$all`. */
export function sealsAfter(last: Seal | undefined, records: MandateRecord[]): Seal[] {
  let position = last?.position ?? 0;
  let prevHash = last?.hash ?? GENESIS_HASH;
  return records.map((record) => {
    position += 1;
    const hash = computeEventHash(envelopeOf(record, { position, prevHash }));
    const seal: Seal = {
      position,
      eventId: record.id,
      streamId: record.streamId,
      revision: record.revision,
      commit: record.position.commit.toString(),
      prepare: record.position.prepare.toString(),
      prevHash,
      hash,
    };
    prevHash = hash;
    return seal;
  });
}
