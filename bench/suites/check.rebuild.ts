import { rmSync } from 'node:fs';
import { EffectivePermissionsProjection, ProjectionRunner } from '@mandate/projections';
import { figuresFromChild } from '../child-figures';
import { gc } from '../gc';
import { describePair, inTurns, measure, type Paired } from '../limit-baseline';
import { rawReadAll } from './store.limit';
import { openStore } from './check.fixtures';

/** A projection built from the log at `path` from position 1 (or restarted from `snapshotPath`). */
export async function rebuild(path: string, snapshotPath?: string) {
  const store = openStore(path);
  const projection = new EffectivePermissionsProjection();
  const runner = new ProjectionRunner({
    store,
    projection,
    snapshotPath,
    snapshotEvery: Number.MAX_SAFE_INTEGER,
  });
  const throughput = await measure(async () => {
    await runner.start();
    await runner.whenCaughtUp();
    return projection.position;
  });
  await runner.stop();
  await store.close();
  return { seconds: throughput.operations / throughput.perSecond, throughput, projection };
}

export interface RebuildFigures {
  pairs: Paired[];
  /** Seconds from the snapshot that each round's rebuild wrote to a caught-up projection. */
  restarts: number[];
  lines: string[];
}

/** Rebuilds a run, each in turns with its floor: with one, a run's ratio was one round's (0.40–0.74). */
const REBUILD_TURNS = 3;

/** Starts a side from a collected heap, so neither pays for the garbage of the round before it. */
const collected =
  <T>(side: () => Promise<T>) =>
  () => {
    gc();
    return side();
  };

/**
 * Each round: a rebuild from position 1 in turns with its floor — the same file's rows read in
 * order with their data parsed, as the store's raw read-all (a rebuild is that read plus the
 * projection's folding) — then a restart from the snapshot that rebuild wrote.
 */
async function rebuildRounds(churnPath: string, snapshotPath: string, runs: number): Promise<RebuildFigures> {
  const figures: RebuildFigures = { pairs: [], restarts: [], lines: [] };
  for (let round = 0; round < runs * REBUILD_TURNS; round++) {
    rmSync(snapshotPath, { force: true });
    let rebuilt: Awaited<ReturnType<typeof rebuild>> | undefined;
    const pair = await inTurns(
      round,
      collected(async () => {
        rebuilt = await rebuild(churnPath, snapshotPath);
        return rebuilt.throughput;
      }),
      collected(() => measure(() => rawReadAll(churnPath))),
    );
    if (rebuilt === undefined) throw new Error('the rebuild did not run');
    const restarted = await rebuild(churnPath, snapshotPath);
    if (restarted.projection.stateHash() !== rebuilt.projection.stateHash())
      throw new Error('restart differs from rebuild');
    figures.pairs.push(pair);
    figures.restarts.push(restarted.seconds);
    figures.lines.push(
      `round ${round + 1}: ${describePair('rebuild', pair, 'events/s')}; rebuilt ${rebuilt.projection.position} events in ${rebuilt.seconds.toFixed(2)} s; restart from snapshot ${restarted.seconds.toFixed(2)} s`,
    );
  }
  rmSync(snapshotPath, { force: true });
  return figures;
}

/**
 * The rebuild's rounds in a child process of their own (the bench's flags, nothing else on its
 * heap). In the check suite's process, which holds two projections of the benchmark workspace, the
 * rebuild/read-all ratio fell by a quarter under load (0.60 → 0.45). In a child of its own, without
 * a collection before each side, it still fell (0.67 → 0.42): the rebuilds' CPU per event was
 * bimodal, 3.4–4 µs or 6–7 µs quiet alike, as the round before left a projection's worth of garbage
 * or not; with the collection the quiet rounds read 0.56–0.74 and the loaded ones 0.48–0.73.
 */
export async function rebuildInChild(
  churnPath: string,
  snapshotPath: string,
  runs: number,
): Promise<RebuildFigures> {
  return figuresFromChild([...process.execArgv, __filename, churnPath, snapshotPath, String(runs)]);
}

if (require.main === module) {
  const [churnPath, snapshotPath, runs] = process.argv.slice(2);
  rebuildRounds(churnPath, snapshotPath, Number(runs)).then(
    (figures) => process.stdout.write(JSON.stringify(figures)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
