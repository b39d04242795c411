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

/** What the SQLite side of the store suite already defines, so both stores run the same workload. */
export interface StoreWorkload {
  schemas: EventSchemaRegistry;
  benchEvent(n: number): NewEvent;
  concurrentAppends(
    append: (writer: number, revision: number, event: NewEvent) => Promise<unknown>,
    total: number,
  ): Promise<{ eventsPerSecond: number; latencies: number[] }>;
}

interface PostgresRun {
  batched: number;
  concurrent: number;
  p99: number;
  nodes: number;
  readAll: number;
  /** This process's CPU per event read (the server's is not counted): steadier under load than the rate. */
  readAllCpuUs: number;
  verify: number;
}

const BATCH = 1_000;
const NODES = 4;

async function readAllPages(store: EventStore): Promise<number> {
  let read = 0;
  for (let from = 1; ;) {
    const page = await store.readAll({ fromPosition: from, limit: BATCH });
    if (page.length === 0) return read;
    read += page.length;
    from = page[page.length - 1].globalPosition + 1;
  }
}

const perSecond = async (work: () => Promise<number>): Promise<number> => {
  const started = performance.now();
  const operations = await work();
  return operations / ((performance.now() - started) / 1000);
};

async function oneRun(
  context: BenchContext,
  url: string,
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

    const batched = await perSecond(async () => {
      for (let index = 0; index < batchedTotal / BATCH; index++) {
        const batch = Array.from({ length: BATCH }, (_, i) => workload.benchEvent(index * BATCH + i));
        await store.append(`bench-batch-${index}`, batch, { expectedRevision: 'no_stream' });
      }
      return batchedTotal;
    });
    const cpuBefore = process.cpuUsage();
    const readAll = await perSecond(() => readAllPages(store));
    const { user, system } = process.cpuUsage(cpuBefore);
    const readAllCpuUs = (user + system) / batchedTotal;
    const verify = await perSecond(async () => {
      const result = await verifyEventLog(store);
      if (!result.ok) throw new Error(`chain did not verify: ${JSON.stringify(result)}`);
      return result.checked;
    });

    // The SQLite workload: 64 writers on one node, single events with expected revisions.
    const single = await workload.concurrentAppends(
      (writer, revision, event) =>
        store.append(`bench-writer-${writer}`, [event], {
          expectedRevision: revision === 0 ? 'no_stream' : revision - 1,
        }),
      concurrentTotal,
    );
    // The same 64 writers spread over 4 nodes (own connections), which take turns on the head row.
    for (let node = 1; node < NODES; node++) stores.push(await open());
    const spread = await workload.concurrentAppends(
      (writer, revision, event) =>
        stores[writer % NODES].append(`bench-node-writer-${writer}`, [event], {
          expectedRevision: revision === 0 ? 'no_stream' : revision - 1,
        }),
      nodesTotal,
    );
    const figures: PostgresRun = {
      batched,
      concurrent: single.eventsPerSecond,
      p99: percentile(single.latencies, 99),
      nodes: spread.eventsPerSecond,
      readAll,
      readAllCpuUs,
      verify,
    };
    context.log(
      `run ${run + 1}: postgres batched ${Math.round(batched)} events/s, concurrent ${Math.round(figures.concurrent)} events/s ` +
        `p99 ${figures.p99.toFixed(2)} ms, ${NODES} nodes ${Math.round(figures.nodes)} events/s, ` +
        `read-all ${Math.round(readAll)} events/s (${readAllCpuUs.toFixed(2)} µs CPU each), verify ${Math.round(verify)} events/s`,
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
 * Client-side figures: the server's CPU is not counted.
 */
export async function postgresStoreMetrics(
  context: BenchContext,
  workload: StoreWorkload,
): Promise<Record<string, Metric>> {
  const server = await providePostgres({ log: context.log });
  try {
    const runs: PostgresRun[] = [];
    for (let run = 0; run < context.runs; run++) runs.push(await oneRun(context, server.url, workload, run));
    const med = (pick: (figures: PostgresRun) => number) => median(runs.map(pick));
    return {
      pg_append_batched_events_per_s: metric(
        med((figures) => figures.batched),
        'events/s',
        null,
        'higher',
      ),
      pg_append_concurrent_single_events_per_s: metric(
        med((figures) => figures.concurrent),
        'events/s',
        5_000,
        'higher',
      ),
      pg_append_p99_ms: metric(
        med((figures) => figures.p99),
        'ms',
        20,
        'lower',
      ),
      pg_append_concurrent_4_nodes_events_per_s: metric(
        med((figures) => figures.nodes),
        'events/s',
        null,
        'higher',
      ),
      pg_read_all_events_per_s: metric(
        med((figures) => figures.readAll),
        'events/s',
        200_000,
        'higher',
      ),
      pg_read_all_cpu_us_per_event: metric(
        med((figures) => figures.readAllCpuUs),
        'µs',
        null,
        'lower',
      ),
      pg_verify_events_per_s: metric(
        med((figures) => figures.verify),
        'events/s',
        null,
        'higher',
      ),
    };
  } finally {
    await server.stop();
  }
}
