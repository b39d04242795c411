import { join, resolve } from 'node:path';

/** The repository root; scripts may be started from any working directory. */
export const repoRoot = resolve(__dirname, '..', '..', '..');

/**
 * Everything provisioned locally (virtualenv, Kafka jars, data, logs) lives under one git-ignored
 * folder, so `rm -rf .mandate` is a full reset.
 */
export const mandateHome = join(repoRoot, '.mandate');
