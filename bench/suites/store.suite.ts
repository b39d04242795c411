import { getSQLiteEventStore } from '@event-driven-io/emmett-sqlite';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { defineEventSchema } from '@mandate/domain';
import { EventSchemaRegistry, SqliteEventStore, type NewEvent } from '@mandate/event-store';
import { createTempDir } from '@mandate/testing';
import { verifyChain } from '../../libs/event-store/src/tamper/chain-verifier';
import { defineSuite, median, metric, percentile, type BenchContext } from '../harness';
import {
  cpuMetric,
  describePair,
  inTurns,
  interleave,
  limitMetrics,
  measure,
  type Paired,
  type Throughput,
} from '../limit-baseline';
import { rawAppend, rawReadAll, rawVerify } from './store.limit';
import { postgresStoreMetrics } from './store.postgres';

const schemas = new EventSchemaRegistry([
  defineEventSchema({
    type: 'BenchCounted',
    version: 1,
    schema: z.object({ n: z.number().int(), label: z.string() }),
  }),
]);

const benchEvent = (n: number): NewEvent => ({
  id: uuidv7(),
  type: 'BenchCounted',
  data: { n, label: 'bench' },
  occurredAt: new Date().toISOString(),
  workspaceId: 'ws-bench',
  actor: { kind: 'service', id: 'bench' },
  metadata: { correlationId: 'bench', causationId: null },
});

const CONCURRENCY = 64;
const BATCH = 1_000;
/**
 * Walks of the log per run, each side, the first side alternating: one walk lasts a few hundred ms,
 * so a single pair per run was at the mercy of one collection or one neighbour's burst (its
 * rounds read 0.47–1.13 on a quiet machine).
 */
const READ_TURNS = 5;

interface RunFigures {
  batched: Paired;
  /** Walks of the whole log in turns with the raw floor's (READ_TURNS a run). */
  readAll: Paired[];
  verify: Paired[];
  concurrent: Throughput;
  p99: number;
  emmett: Throughput;
}

const benchBatches = (total: number) =>
  Array.from({ length: total / BATCH }, (_, b) =>
    Array.from({ length: BATCH }, (_, i) => benchEvent(b * BATCH + i)),
  );

async function batchedAppends(store: SqliteEventStore, batches: NewEvent[][]): Promise<number> {
  for (const [index, batch] of batches.entries()) {
    await store.append(`bench-batch-${index}`, batch, { expectedRevision: 'no_stream' });
  }
  return batches.length * BATCH;
}

async function readAllPages(store: SqliteEventStore): Promise<number> {
  let read = 0;
  for (let from = 1; ;) {
    const page = await store.readAll({ fromPosition: from, limit: BATCH });
    if (page.length === 0) break;
    read += page.length;
    from = page[page.length - 1].globalPosition + 1;
  }
  return read;
}

function verifyAll(store: SqliteEventStore, expected: number): number {
  const result = verifyChain(store.readStored());
  if (!result.ok || result.checked !== expected)
    throw new Error(`chain did not verify: ${JSON.stringify(result)}`);
  return expected;
}

/** 64 writers, each appending single events to its own stream with its expected revision. */
async function concurrentAppends(
  append: (writer: number, revision: number, event: NewEvent) => Promise<unknown>,
  total: number,
): Promise<{ eventsPerSecond: number; latencies: number[] }> {
  const perWriter = total / CONCURRENCY;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, writer) => {
      for (let revision = 0; revision < perWriter; revision++) {
        const event = benchEvent(revision);
        const before = performance.now();
        await append(writer, revision, event);
        latencies.push(performance.now() - before);
      }
    }),
  );
  return { eventsPerSecond: total / ((performance.now() - started) / 1000), latencies };
}

/**
 * The same workload through emmett-sqlite 0.38.5. On a file database it opens a connection per
 * operation and closes it when the operation ends, so overlapping appends on one instance fail
 * (SQLITE_MISUSE: database is closed): its appends are chained one after another, which its single
 * writer does anyway. Even chained, a COMMIT occasionally fails with SQLITE_BUSY ("SQL statements in
 * progress"); such an append is rolled back by emmett and retried here, as its users would have to.
 * Its sqlite3 connections default to synchronous=FULL in WAL mode: the same durability as ours.
 */
async function emmettConcurrentAppends(
  fileName: string,
  total: number,
): Promise<{ eventsPerSecond: number; busyRetries: number }> {
  const emmett = getSQLiteEventStore({ fileName });
  let busyRetries = 0;
  let previous: Promise<unknown> = Promise.resolve();
  const appendWithRetry = async (streamName: string, event: NewEvent, expected: bigint): Promise<void> => {
    for (;;) {
      try {
        await emmett.appendToStream(
          streamName,
          [{ type: event.type, data: event.data as Record<string, unknown> }],
          {
            expectedStreamVersion: expected,
          },
        );
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
        busyRetries++;
      }
    }
  };
  // emmett logs every failed transaction with console.log; keep the bench output readable.
  const log = console.log;
  console.log = () => undefined;
  try {
    const { eventsPerSecond } = await concurrentAppends((writer, revision, event) => {
      const append = previous.then(() => appendWithRetry(`bench-writer${writer}`, event, BigInt(revision)));
      previous = append;
      return append;
    }, total);
    return { eventsPerSecond, busyRetries };
  } finally {
    console.log = log;
  }
}

async function oneRun(context: BenchContext, run: number): Promise<RunFigures> {
  const dir = createTempDir('mandate-bench-store-');
  try {
    const batchedTotal = context.quick ? 5 * BATCH : 200 * BATCH;
    const concurrentTotal = context.quick ? 10 * CONCURRENCY : 500 * CONCURRENCY;
    const emmettTotal = context.quick ? 2 * CONCURRENCY : 50 * CONCURRENCY;

    // Each against its limit, in turns: the same rows through raw better-sqlite3 and node:crypto.
    const batches = benchBatches(batchedTotal);
    const log = new SqliteEventStore({ path: dir.file('batched.sqlite'), schemas, synchronous: 'FULL' });
    const batched = await inTurns(
      run,
      () => measure(() => batchedAppends(log, batches)),
      () => measure(() => rawAppend(dir.file('raw.sqlite'), batches, 'FULL')),
    );
    const walks = context.quick ? 1 : READ_TURNS;
    const readAll = await interleave(
      walks,
      () => measure(() => readAllPages(log)),
      () => measure(() => rawReadAll(log.path)),
      run * walks,
    );
    const verify = await interleave(
      walks,
      () => measure(() => verifyAll(log, batchedTotal)),
      () => measure(() => rawVerify(log.path)),
      run * walks,
    );
    await log.close();

    const live = new SqliteEventStore({ path: dir.file('concurrent.sqlite'), schemas, synchronous: 'FULL' });
    let latencies: number[] = [];
    const concurrent = await measure(async () => {
      const ours = await concurrentAppends(
        (writer, revision, event) =>
          live.append(`bench-writer-${writer}`, [event], {
            expectedRevision: revision === 0 ? 'no_stream' : revision - 1,
          }),
        concurrentTotal,
      );
      latencies = ours.latencies;
      return { operations: concurrentTotal, seconds: concurrentTotal / ours.eventsPerSecond };
    });
    await live.close();

    const emmett = await measure(async () => {
      const { busyRetries, eventsPerSecond } = await emmettConcurrentAppends(
        dir.file('emmett.sqlite'),
        emmettTotal,
      );
      context.log(`emmett-sqlite: ${busyRetries} appends retried after SQLITE_BUSY`);
      return { operations: emmettTotal, seconds: emmettTotal / eventsPerSecond };
    });

    context.log(`run ${run + 1}: ${describePair('batched', batched, 'events/s')}`);
    for (const [name, pairs] of [['read-all', readAll] as const, ['verify', verify] as const])
      context.log(`run ${run + 1}: ${pairs.map((pair) => describePair(name, pair, 'events/s')).join('; ')}`);
    context.log(
      `run ${run + 1}: concurrent ${Math.round(concurrent.perSecond)} events/s p99 ${percentile(latencies, 99).toFixed(2)} ms; ` +
        `emmett ${Math.round(emmett.perSecond)} events/s`,
    );
    return { batched, readAll, verify, concurrent, p99: percentile(latencies, 99), emmett };
  } finally {
    dir.remove();
  }
}

export const storeSuite = defineSuite({
  name: 'store',
  description:
    'SQLite event store (synchronous=FULL): batched and 64-way concurrent appends (group commit), readAll, chain verification, each of the first three against raw better-sqlite3 / node:crypto on the same rows, and emmett-sqlite on the same concurrent workload',
  async run(context) {
    const runs: RunFigures[] = [];
    for (let run = 0; run < context.runs; run++) runs.push(await oneRun(context, run));
    const med = (pick: (figures: RunFigures) => number) => median(runs.map(pick));
    const concurrent = med((figures) => figures.concurrent.perSecond);
    const emmett = med((figures) => figures.emmett.perSecond);
    const events = { unit: 'events/s', operation: 'event' };
    return {
      ...limitMetrics(
        runs.map((figures) => figures.batched),
        { ...events, prefix: 'append_batched', ratioTarget: 0.7 },
      ),
      append_concurrent_single_events_per_s: metric(concurrent, 'events/s', 20_000, 'higher'),
      append_concurrent_single_cpu_us_per_event: cpuMetric(runs.map((figures) => figures.concurrent)),
      append_single_p99_ms: metric(
        med((figures) => figures.p99),
        'ms',
        10,
        'lower',
      ),
      ...limitMetrics(
        runs.flatMap((figures) => figures.readAll),
        { ...events, prefix: 'read_all', ratioTarget: 0.7 },
      ),
      ...limitMetrics(
        runs.flatMap((figures) => figures.verify),
        { ...events, prefix: 'verify', ratioTarget: 0.6 },
      ),
      emmett_sqlite_append_events_per_s: metric(emmett, 'events/s', null, 'higher'),
      emmett_sqlite_append_cpu_us_per_event: cpuMetric(runs.map((figures) => figures.emmett)),
      ratio_vs_emmett: metric(concurrent / emmett, 'x', 2, 'higher'),
      // The same workload on PostgreSQL (store.postgres.ts), side by side.
      ...(await postgresStoreMetrics(context, { schemas, benchEvent, concurrentAppends })),
    };
  },
});
