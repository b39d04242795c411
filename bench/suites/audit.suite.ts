import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { AuditIndex, emptyProjection, exportText, replayStoredLog, whoCouldAccess } from '@mandate/audit';
import { PermissionsHistory } from '@mandate/projections';
import { eventSchemas } from '@mandate/domain';
import { EventSchemaRegistry, keyIdOf, SqliteEventStore, SqliteStoredEvents } from '@mandate/event-store';
import { createTempDir } from '@mandate/testing';
import { defineSuite, median, metric, percentile } from '../harness';
import { buildIndex, buildLog, RESOURCES, typicalQueries, WORKSPACES } from './audit.fixtures';

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

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1e6;
};

interface ReplayFigures {
  perSecond: number;
  perCpuSecond: number;
  accessP95: number;
}

/**
 * Replays effective permissions from position 1, then asks audit/access's question at random
 * instants of the log: the workspace as it was (PermissionsHistory, as `POST /v1/check` with `at`),
 * every channel evaluated, and the trail of the grants that allowed it from the index.
 */
async function measureReplayAndAccess(
  eventsPath: string,
  indexPath: string,
  count: number,
): Promise<ReplayFigures> {
  const schemas = new EventSchemaRegistry(eventSchemas);
  const store = new SqliteEventStore({ path: eventsPath, schemas: schemas });
  const replayed = emptyProjection('effective-permissions');
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await replayStoredLog(store, schemas, replayed);
  const seconds = (performance.now() - started) / 1000;
  const perCpuSecond = result.events / cpuSeconds(cpu);
  if (replayed.name !== 'effective-permissions') throw new Error('unexpected projection');
  const history = new PermissionsHistory(store, replayed.projection);
  const index = AuditIndex.open(indexPath);
  const [first] = await store.readAll({ fromPosition: 1, limit: 1 });
  const [last] = await store.readAll({ fromPosition: await store.headPosition(), limit: 1 });
  const span = Date.parse(last.recordedAt) - Date.parse(first.recordedAt);
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const workspaceId = `ws-${(i * 7) % WORKSPACES}`;
    const atMs = Date.parse(first.recordedAt) + (((i * 7919) % 1000) / 1000) * span;
    const question = {
      connector: 'github',
      action: 'write',
      resource: `org-${i % 10}/repo-${(i * 31) % RESOURCES}`,
    };
    const asked = performance.now();
    const { permissions } = await history.asOf(workspaceId, atMs);
    for (const { decision } of whoCouldAccess(permissions.compiled, question, atMs)) {
      const grantId = decision.provenance.grantId;
      if (grantId !== undefined)
        index.query({ workspaceId, filter: { request: grantId }, order: 'oldest', limit: 1000 });
    }
    latencies.push(performance.now() - asked);
  }
  index.close();
  await store.close();
  return { perSecond: result.events / seconds, perCpuSecond, accessP95: percentile(latencies, 95) };
}

interface ExportFigures {
  positions: number;
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
}

/** Exports ws-0 (a fifth of the log; the rest redacted) in a child process, so its peak RSS is the export's own. */
async function measureExport(eventsPath: string): Promise<ExportFigures> {
  const child = spawn(
    process.execPath,
    ['-r', join(__dirname, '..', '..', 'scripts', 'register.js'), __filename, eventsPath],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number];
  if (code !== 0) throw new Error(`export child exited with ${code}`);
  return JSON.parse(output) as ExportFigures;
}

/** The child: streams the export to /dev/null through a write stream, respecting back-pressure. */
async function exportChild(eventsPath: string): Promise<void> {
  const { privateKey } = generateKeyPairSync('ed25519');
  const log = new SqliteStoredEvents(eventsPath);
  const to = log.head()?.position ?? 0;
  const out = createWriteStream('/dev/null');
  const cpu = process.cpuUsage();
  const started = performance.now();
  const text = exportText(log, {
    workspaceId: 'ws-0',
    from: 1,
    to,
    checkpoints: [],
    key: { privateKey, keyId: keyIdOf(privateKey) },
    format: 'jsonl',
    exportedAt: new Date().toISOString(),
  });
  for (const chunk of text) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
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

export const auditSuite = defineSuite({
  name: 'audit',
  description:
    'Audit on a 1,000,000-event log (50 workspaces): filtered pages of 100 from the audit index, who-could-access at random past instants, replay of effective permissions, a workspace export streamed in a child process (peak RSS)',
  async run(context) {
    const total = context.quick ? 20_000 : 1_000_000;
    const dir = createTempDir('mandate-bench-audit-');
    try {
      const eventsPath = join(dir.path, 'events.sqlite');
      const indexPath = join(dir.path, 'events.audit-index.sqlite');
      await buildLog(eventsPath, total, context);
      await buildIndex(eventsPath, indexPath, context);
      if (!existsSync(indexPath)) throw new Error('index not built');
      const runs: Array<{
        p95: number;
        access: number;
        replay: number;
        replayCpu: number;
        exportRate: number;
        exportCpu: number;
        rss: number;
      }> = [];
      for (let run = 0; run < context.runs; run++) {
        const queries = measureQueries(indexPath, total, context.quick ? 60 : 600);
        const replay = await measureReplayAndAccess(eventsPath, indexPath, context.quick ? 20 : 100);
        const exported = await measureExport(eventsPath);
        runs.push({
          p95: queries.p95,
          access: replay.accessP95,
          replay: replay.perSecond,
          replayCpu: replay.perCpuSecond,
          exportRate: exported.positions / exported.seconds,
          exportCpu: exported.positions / exported.cpuSeconds,
          rss: exported.maxRssMb,
        });
        context.log(
          `run ${run + 1}: query p50 ${queries.p50.toFixed(2)} ms p95 ${queries.p95.toFixed(2)} ms, access p95 ${replay.accessP95.toFixed(1)} ms, ` +
            `replay ${Math.round(replay.perSecond)} events/s (${Math.round(replay.perCpuSecond)} per CPU-s), ` +
            `export ${Math.round(exported.positions / exported.seconds)} events/s (${Math.round(exported.positions / exported.cpuSeconds)} per CPU-s, ${exported.seconds.toFixed(1)} s) peak RSS ${Math.round(exported.maxRssMb)} MB`,
        );
      }
      const med = (pick: (run: (typeof runs)[number]) => number) => median(runs.map(pick));
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
        replay_events_per_s: metric(
          med((run) => run.replay),
          'events/s',
          250_000,
          'higher',
        ),
        // Per CPU-second: steady when other processes share the machine, where wall-clock rates are not.
        replay_events_per_cpu_s: metric(
          med((run) => run.replayCpu),
          'events/s',
          null,
          'higher',
        ),
        export_events_per_s: metric(
          med((run) => run.exportRate),
          'events/s',
          100_000,
          'higher',
        ),
        export_events_per_cpu_s: metric(
          med((run) => run.exportCpu),
          'events/s',
          null,
          'higher',
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
  exportChild(process.argv[2]).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
