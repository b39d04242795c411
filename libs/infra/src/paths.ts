import { join, resolve } from 'node:path';

/** The repository root; scripts may be started from any working directory. */
export const repoRoot = resolve(__dirname, '..', '..', '..');

/**
 * Everything provisioned locally (virtualenv, Kafka jars, data, logs) lives under one git-ignored
 * folder, so `rm -rf .mandate` is a full reset.
 */
export const mandateHome = join(repoRoot, '.mandate');

/**
 * Where `npm start`'s Temporal dev server keeps its state: beside the event log it drives, under
 * `DATA_DIR`, so that removing one data folder resets both together. (Kept apart, a reset log met
 * the old workflows: a request id the demo chooses was "already started" in Temporal and missing
 * from the new log.)
 */
export const devTemporalDbFile = (dataDir: string): string =>
  resolve(repoRoot, dataDir, 'temporal', 'dev.db');
