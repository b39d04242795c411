import {
  type EventSchemaRegistry,
  type EventStore,
  type NewEvent,
  openPostgresEventStore,
  type PostgresEventStore,
  verifyEventLog,
} from '@mandate/event-store';
import { providePostgres } from '@mandate/infra';
import { freshPostgresSchema } from '@mandate/testing';
import { type BenchContext, median, metric, type Metric, percentile } from '../harness';
import {
  type CpuClock,
  interleave,
  limitMetrics,
  measure,
  ownCpu,
  type Paired,
  type Throughput,
} from '../limit-baseline';
import { treeCpuMs } from '../process-cpu';
import { rawPostgresReader } from './store.postgres-limit';

/** What the SQLite side of the store suite already defines, so both stores run the same workload. */
export interface StoreWorkload {
  schemas: EventSchemaRegistry;
  benchEvent(n: number): NewEvent;
  concurrentAppends(
    append: (writer: number, revision: number, event: NewEvent) => Promise<unknown>,
    total: number,
  ): Promise<{ eventsPerSecond: number; latencies: number[] }>;
}

/** Each figure with its CPU per event: this process's plus the server's (`serverCpu`). */
interface PostgresRun {
  batched: Throughput;
  concurrent: Throughput;
  p99: number;
  nodes: Throughput;
  /** The store's read-all in turns with the bare `pg` client's (`rawPostgresReader`). */
  readAll: Paired[];
  verify: Throughput;
}

const BATCH = 1_000;
const NODES = 4;
/** Walks of the whole log per run, each side, in turns (the first side alternating). */
const READ_TURNS = 3;

async function readAllPages(store: EventStore): Promise<number> {
  let read = 0;
  for (let from = 1; ;) {
    const page = await store.readAll({ fromPosition: from, limit: BATCH });
    if (page.length === 0) return read;
    read += page.length;
    from = page[page.length - 1].globalPosition + 1;
  }
}

/**
 * This process's CPU time and the server's (its postmaster and backends, when started here), in
 * µs: the cost of an event on both sides of the connection, steadier than the rate under load.
 */
const serverCpu =
  (serverPid: number | undefined): CpuClock =>
  () =>
    ownCpu() + (serverPid === undefined ? 0 : treeCpuMs(serverPid) * 1000);

/** The SQLite workload's concurrent appends, as a throughput timed by the workload itself. */
const concurrently = async (
  cpu: CpuClock,
  run: () => Promise<{ eventsPerSecond: number; latencies: number[] }>,
) => {
  let latencies: number[] = [];
  const throughput = await measure(async () => {
    const result = await run();
    latencies = result.latencies;
    return { operations: result.latencies.length, seconds: result.latencies.length / result.eventsPerSecond };
  }, cpu);
  return { throughput, latencies };
};

async function oneRun(
  context: BenchContext,
  url: string,
  cpu: CpuClock,
  workload: StoreWorkload,
  run: number,
): Promise<PostgresRun> {
  const { schema, drop } = freshPostgresSchema(url, 'bench_store');
  const open = () => openPostgresEventStore({ connectionString: url, schemas: workload.schemas, schema });
  const stores: PostgresEventStore[] = [];
  try {
    const batchedTotal = context.quick ? 5 * BATCH : 100 * BATCH;
    const concurrentTotal = context.quick ? 640 : 32_000;
    // Nodes take turns on the head row, so fewer events keep this part of the run short.
    const nodesTotal = context.quick ? 640 : 8_192;
    const store = await open();
    stores.push(store);

    const batched = await measure(async () => {
      for (let index = 0; index < batchedTotal / BATCH; index++) {
        const batch = Array.from({ length: BATCH }, (_, i) => workload.benchEvent(index * BATCH + i));
        await store.append(`bench-batch-${index}`, batch, { expectedRevision: 'no_stream' });
      }
      return batchedTotal;
    }, cpu);
    const raw = await rawPostgresReader(url, schema, BATCH);
    let readAll: Paired[];
    try {
      const walks = context.quick ? 1 : READ_TURNS;
      readAll = await interleave(
        walks,
        () => measure(() => readAllPages(store), cpu),
        () => measure(() => raw.readAll(), cpu),
        run * walks,
      );
    } finally {
      await raw.close();
    }
    const verify = await measure(async () => {
      const result = await verifyEventLog(store);
      if (!result.ok) throw new Error(`chain did not verify: ${JSON.stringify(result)}`);
      return result.checked;
    }, cpu);

    // The SQLite workload: 64 writers on one node, single events with expected revisions.
    const single = await concurrently(cpu, () =>
      workload.concurrentAppends(
        (writer, revision, event) =>
          store.append(`bench-writer-${writer}`, [event], {
            expectedRevision: revision === 0 ? 'no_stream' : revision - 1,
          }),
        concurrentTotal,
      ),
    );
    // The same 64 writers spread over 4 nodes (own connections), which take turns on the head row.
    for (let node = 1; node < NODES; node++) stores.push(await open());
    const spread = await concurrently(cpu, () =>
      workload.concurrentAppends(
        (writer, revision, event) =>
          stores[writer % NODES].append(`bench-node-writer-${writer}`, [event], {
            expectedRevision: revision === 0 ? 'no_stream' : revision - 1,
          }),
        nodesTotal,
      ),
    );
    const figures: PostgresRun = {
      batched,
      concurrent: single.throughput,
      p99: percentile(single.latencies, 99),
      nodes: spread.throughput,
      readAll,
      verify,
    };
    const describe = (name: string, { perSecond, cpuUsPerOperation }: Throughput) =>
      `${name} ${Math.round(perSecond)} events/s (${cpuUsPerOperation.toFixed(1)} µs CPU each)`;
    context.log(
      `run ${run + 1}: postgres ${describe('batched', batched)}, ${describe('concurrent', figures.concurrent)} ` +
        `p99 ${figures.p99.toFixed(2)} ms, ${describe(`${NODES} nodes`, figures.nodes)}, ` +
        `${readAll.map((pair) => `${describe('read-all', pair.mandate)} vs ${describe('raw', pair.limit)}`).join(', ')}, ` +
        describe('verify', verify),
    );
    return figures;
  } finally {
    await Promise.all(stores.map((store) => store.close()));
    await drop();
  }
}

/**
 * The store suite's figures on PostgreSQL, next to SQLite's: the server at DATABASE_URL, or a
 * throw-away one started for the suite (fsync and synchronous_commit on, as in production).
 * Rates as the client sees them; CPU per event counts both sides (the server's only when started here).
 */
export async function postgresStoreMetrics(
  context: BenchContext,
  workload: StoreWorkload,
): Promise<Record<string, Metric>> {
  const server = await providePostgres({ log: context.log });
  if (server.pid === undefined)
    context.log(
      'postgres: the server at DATABASE_URL is not ours to read; CPU per event counts this process only',
    );
  const cpu = serverCpu(server.pid);
  try {
    const runs: PostgresRun[] = [];
    for (let run = 0; run < context.runs; run++)
      runs.push(await oneRun(context, server.url, cpu, workload, run));
    const med = (pick: (figures: PostgresRun) => number) => median(runs.map(pick));
    const rate = (pick: (figures: PostgresRun) => Throughput, target: number | null) =>
      metric(
        med((figures) => pick(figures).perSecond),
        'events/s',
        target,
        'higher',
      );
    const cpuPerEvent = (pick: (figures: PostgresRun) => Throughput) =>
      metric(
        med((figures) => pick(figures).cpuUsPerOperation),
        'µs',
        null,
        'lower',
      );
    return {
      pg_append_batched_events_per_s: rate((figures) => figures.batched, null),
      pg_append_batched_cpu_us_per_event: cpuPerEvent((figures) => figures.batched),
      pg_append_concurrent_single_events_per_s: rate((figures) => figures.concurrent, 5_000),
      pg_append_concurrent_single_cpu_us_per_event: cpuPerEvent((figures) => figures.concurrent),
      pg_append_p99_ms: metric(
        med((figures) => figures.p99),
        'ms',
        20,
        'lower',
      ),
      pg_append_concurrent_4_nodes_events_per_s: rate((figures) => figures.nodes, null),
      pg_append_concurrent_4_nodes_cpu_us_per_event: cpuPerEvent((figures) => figures.nodes),
      // Client and server CPU both sides; the ratio replaced the absolute 200,000 events/s.
      ...limitMetrics(
        runs.flatMap((figures) => figures.readAll),
        { prefix: 'pg_read_all', unit: 'events/s', operation: 'event', ratioTarget: 0.7 },
      ),
      pg_verify_events_per_s: rate((figures) => figures.verify, null),
      pg_verify_cpu_us_per_event: cpuPerEvent((figures) => figures.verify),
    };
  } finally {
    await server.stop();
  }
}
