import { existsSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import {
  emptyProjection,
  REPLAYABLE_PROJECTIONS,
  replayLog,
  replayStoredLog,
  type ReplayableProjectionName,
  type ReplayBound,
} from '@mandate/audit';
import { loadConfig } from '@mandate/config';
import { eventSchemas } from '@mandate/domain';
import {
  auditFiles,
  EventSchemaRegistry,
  openAppEventStore,
  SqliteEventStore,
  type EventStore,
} from '@mandate/event-store';
import type { CliCommand } from './cli-command';

interface ReplayOptions {
  to?: ReplayBound;
  projection: ReplayableProjectionName;
  events?: string;
  out?: string;
  json: boolean;
  progress: boolean;
}

const bound = (value: string): ReplayBound => {
  if (/^\d+$/.test(value)) return { position: Number(value) };
  if (!Number.isNaN(Date.parse(value)) && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    return { instant: new Date(value).toISOString() };
  }
  throw new InvalidArgumentError('a log position or an ISO-8601 instant');
};

const projectionName = (value: string): ReplayableProjectionName => {
  if ((REPLAYABLE_PROJECTIONS as readonly string[]).includes(value)) return value as ReplayableProjectionName;
  throw new InvalidArgumentError(`one of ${REPLAYABLE_PROJECTIONS.join(', ')}`);
};

/**
 * `mandate replay [--to <time|position>] [--projection <name>]`: rebuilds a projection from the
 * log into a fresh state (never the one a running API serves) and prints its state hash, so two
 * replays, or a replay and a live projection, can be compared.
 */
export const replayCommand: CliCommand = {
  name: 'replay',
  register(program: Command) {
    program
      .command('replay')
      .description('rebuild a projection from the event log and print its state hash')
      .option(
        '--to <time|position>',
        'stop at this log position, or after the last event recorded at or before this instant',
        bound,
      )
      .option(
        '--projection <name>',
        `projection to rebuild: ${REPLAYABLE_PROJECTIONS.join(', ')}`,
        projectionName,
        'effective-permissions',
      )
      .option(
        '--events <path>',
        'SQLite events file (default: the configured store: SQLITE_PATH or $DATA_DIR/events.sqlite, PostgreSQL or EventStoreDB per EVENT_STORE)',
      )
      .option('--out <path>', 'audit-index: write the rebuilt index to this file (default: in memory)')
      .option('--json', 'print the result as JSON', false)
      .option('--no-progress', 'no progress bar')
      .action(async (options: ReplayOptions) => {
        process.exitCode = await replay(options);
      });
  },
};

const schemas = new EventSchemaRegistry(eventSchemas);

async function openStore(options: ReplayOptions): Promise<EventStore | string> {
  const config = loadConfig();
  if (config.EVENT_STORE !== 'sqlite' && !options.events) return openAppEventStore(config, schemas);
  const path = options.events ?? auditFiles(config).events;
  // The SQLite store would create a missing file: refuse instead of replaying an empty log.
  if (!existsSync(path)) return `No events file at ${path}`;
  return new SqliteEventStore({ path, schemas });
}

async function replay(options: ReplayOptions): Promise<number> {
  const store = await openStore(options);
  if (typeof store === 'string') {
    console.error(store);
    return 2;
  }
  const projection = emptyProjection(options.projection, { path: options.out });
  const bar = new SingleBar({
    format: `replay ${options.projection} [{bar}] {percentage}% | {value}/{total} | {speed} events/s | ETA {eta_formatted}`,
    stream: process.stderr,
    hideCursor: true,
    etaBuffer: 50,
    noTTYOutput: false,
  });
  const started = performance.now();
  let barStarted = false;
  try {
    // The SQLite log is read as stored, decoding only the events the projection reads.
    const replay = (replayOptions: Parameters<typeof replayLog>[2]) =>
      store instanceof SqliteEventStore
        ? replayStoredLog(store, schemas, projection, replayOptions)
        : replayLog(store, projection, replayOptions);
    const result = await replay({
      to: options.to,
      onProgress: ({ position, target }) => {
        if (!options.progress) return;
        const seconds = (performance.now() - started) / 1000;
        const speed = Math.round(position / Math.max(seconds, 0.001)).toLocaleString('en-US');
        if (!barStarted) {
          bar.start(target, 0, { speed });
          barStarted = true;
        }
        bar.update(position, { speed });
      },
    });
    if (barStarted) bar.stop();
    const seconds = (performance.now() - started) / 1000;
    const eventsPerSecond = Math.round(result.events / Math.max(seconds, 0.001));
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({ projection: options.projection, ...result, seconds, eventsPerSecond }, null, 2)}\n`,
      );
    } else {
      process.stdout.write(
        `${options.projection} at position ${result.position}: state hash ${result.stateHash}\n` +
          `${result.events} events replayed in ${seconds.toFixed(2)} s (${eventsPerSecond.toLocaleString('en-US')} events/s)\n`,
      );
    }
    return 0;
  } finally {
    if (barStarted) bar.stop();
    if (projection.name === 'audit-index') projection.index.close();
    await store.close();
  }
}
