import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { AuditIndex, exportText } from '@mandate/audit';
import { keyIdOf, SqliteStoredEvents } from '@mandate/event-store';
import { createTempDir } from '@mandate/testing';
import { figuresFromChild } from '../child-figures';
import { defineSuite, median, metric, percentile } from '../harness';
import {
  describePair,
  interleave,
  limitMetrics,
  measure,
  type Paired,
  type Throughput,
} from '../limit-baseline';
import { measureAccess, measureReplay, REPLAY_TURNS } from './audit.replay';
import { rawJsonLines, rawReadAll } from './store.limit';
import { buildIndex, buildLog, typicalQueries } from './audit.fixtures';

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1e6;
};

function measureQueries(indexPath: string, total: number, count: number): { p95: number; p50: number } {
  const index = AuditIndex.open(indexPath);
  const latencies: number[] = [];
  for (const query of typicalQueries(total, count)) {
    const started = performance.now();
    index.query(query);
    latencies.push(performance.now() - started);
  }
  index.close();
  return { p95: percentile(latencies, 95), p50: percentile(latencies, 50) };
}

interface ExportFigures {
  positions: number;
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
}

/**
 * Exports ws-0 (a fifth of the log; the rest redacted) in a child process, so its peak RSS is the
 * export's own; `limit`: the rows read raw and ws-0's written as JSON lines instead, the export's floor.
 */
async function measureExport(eventsPath: string, limit = false): Promise<ExportFigures> {
  return figuresFromChild([
    '-r',
    join(__dirname, '..', '..', 'scripts', 'register.js'),
    __filename,
    eventsPath,
    ...(limit ? ['limit'] : []),
  ]);
}

/**
 * The child: generates the export (or its floor) chunk by chunk and lets each go, as the route
 * hands each to the response. Neither is written anywhere: the bytes' way out is the server's
 * socket, the same for both, and writing them to /dev/null through a stream measured the stream
 * instead — under load its thread-pool writes coalesced into fewer, larger ones, and the floor's CPU
 * per position fell by a sixth while the export's, which writes more bytes less often, did not.
 */
function exportChild(eventsPath: string, limit: boolean): void {
  const { privateKey } = generateKeyPairSync('ed25519');
  const log = new SqliteStoredEvents(eventsPath);
  const to = log.head()?.position ?? 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const text = limit
    ? rawJsonLines(eventsPath, 'ws-0')
    : exportText(log, {
        workspaceId: 'ws-0',
        from: 1,
        to,
        checkpoints: [],
        key: { privateKey, keyId: keyIdOf(privateKey) },
        format: 'jsonl',
        exportedAt: new Date().toISOString(),
      });
  let bytes = 0;
  for (const chunk of text) bytes += chunk.length;
  if (bytes === 0) throw new Error('the export generated nothing');
  const seconds = (performance.now() - started) / 1000;
  log.close();
  const figures: ExportFigures = {
    positions: to,
    seconds,
    cpuSeconds: cpuSeconds(cpu),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(JSON.stringify(figures));
}

/**
 * Exports per run, each in turns with its floor: with one pair a run the ratio moved by 0 % in one
 * loaded/quiet pair and −14.6 % in the next, its rounds 0.61–0.97.
 */
const EXPORT_TURNS = 3;

export const auditSuite = defineSuite({
  name: 'audit',
  description:
    'Audit on a 1,000,000-event log (50 workspaces): filtered pages of 100 from the audit index, who-could-access at random past instants, replay of effective permissions, a workspace export generated in a child process (peak RSS)',
  async run(context) {
    const total = context.quick ? 20_000 : 1_000_000;
    const dir = createTempDir('mandate-bench-audit-');
    try {
      const eventsPath = join(dir.path, 'events.sqlite');
      const indexPath = join(dir.path, 'events.audit-index.sqlite');
      await buildLog(eventsPath, total, context);
      await buildIndex(eventsPath, indexPath, context);
      if (!existsSync(indexPath)) throw new Error('index not built');
      const runs: Array<{ p95: number; access: number; rss: number; replays: Paired[]; exported: Paired[] }> =
        [];
      const exportRate = (figures: ExportFigures): Throughput => ({
        operations: figures.positions,
        perSecond: figures.positions / figures.seconds,
        cpuUsPerOperation: (figures.cpuSeconds * 1e6) / figures.positions,
      });
      for (let run = 0; run < context.runs; run++) {
        const queries = measureQueries(indexPath, total, context.quick ? 60 : 600);
        const access = await measureAccess(eventsPath, indexPath, context.quick ? 20 : 100);
        // Replays against the same rows read raw; the export against them read raw and ws-0's serialised.
        const replays = await interleave(
          REPLAY_TURNS,
          () => measureReplay(eventsPath),
          () => measure(() => rawReadAll(eventsPath, false)),
          run * REPLAY_TURNS,
        );
        let rss = 0;
        const exported = await interleave(
          EXPORT_TURNS,
          async () => {
            const figures = await measureExport(eventsPath);
            rss = Math.max(rss, figures.maxRssMb);
            return exportRate(figures);
          },
          async () => exportRate(await measureExport(eventsPath, true)),
          run * EXPORT_TURNS,
        );
        runs.push({ p95: queries.p95, access, rss, replays, exported });
        context.log(
          `run ${run + 1}: query p50 ${queries.p50.toFixed(2)} ms p95 ${queries.p95.toFixed(2)} ms, access p95 ${access.toFixed(1)} ms, ` +
            `${replays.map((pair) => describePair('replay', pair, 'events/s')).join(', ')}, ${exported.map((pair) => describePair('export', pair, 'events/s')).join(', ')}, export peak RSS ${Math.round(rss)} MB`,
        );
      }
      const med = (pick: (run: (typeof runs)[number]) => number) => median(runs.map(pick));
      const events = { unit: 'events/s', operation: 'event' };
      return {
        query_p95_ms: metric(
          med((run) => run.p95),
          'ms',
          50,
          'lower',
        ),
        access_at_time_p95_ms: metric(
          med((run) => run.access),
          'ms',
          100,
          'lower',
        ),
        ...limitMetrics(
          runs.flatMap((run) => run.replays),
          { ...events, prefix: 'replay', ratioTarget: 0.2 },
        ),
        ...limitMetrics(
          runs.flatMap((run) => run.exported),
          { ...events, prefix: 'export', ratioTarget: 0.5 },
        ),
        export_peak_rss_mb: metric(
          med((run) => run.rss),
          'MB',
          300,
          'lower',
        ),
      };
    } finally {
      dir.remove();
    }
  },
});

if (require.main === module) {
  try {
    exportChild(process.argv[2], process.argv[3] === 'limit');
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
}
