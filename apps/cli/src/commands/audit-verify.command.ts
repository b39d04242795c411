import { existsSync, readFileSync } from 'node:fs';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '@mandate/config';
import {
  auditFiles,
  EventSchemaRegistry,
  openAppEventStore,
  readPublicKey,
  SignedCheckpointStore,
  SqliteStoredEvents,
  verifyEventLog,
  type ChainVerification,
} from '@mandate/event-store';
import { auditGroup } from './audit-group';
import type { CliCommand } from './cli-command';

interface VerifyOptions {
  from: number;
  to?: number;
  events?: string;
  checkpoints?: string;
  publicKey?: string;
  json: boolean;
}

const position = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1) throw new InvalidArgumentError('a position ≥ 1');
  return parsed;
};

/**
 * `mandate audit verify [--from N] [--to N] [--public-key key.pem]`: walks the log and checks each
 * event's hash and link and every signed checkpoint in range. Exit code 0 when intact, 1 on the
 * first bad position (printed with what is wrong), 2 when it cannot verify at all.
 */
export const auditVerifyCommand: CliCommand = {
  name: 'audit verify',
  register(program: Command) {
    auditGroup(program)
      .command('verify')
      .description('verify the event log hash chain and its signed checkpoints')
      .option(
        '--from <position>',
        'first position to verify (links to the stored hash of the one before)',
        position,
        1,
      )
      .option('--to <position>', 'last position to verify (default: the head)', position)
      .option(
        '--events <path>',
        'SQLite events file (default: the configured store: SQLITE_PATH or $DATA_DIR/events.sqlite, PostgreSQL or EventStoreDB per EVENT_STORE)',
      )
      .option('--checkpoints <path>', 'signed checkpoints file (default: next to the events file)')
      .option(
        '--public-key <pem>',
        'Ed25519 public key (SPKI PEM) checkpoints are verified with (default: derived from CHECKPOINT_SIGNING_KEY_PATH)',
      )
      .option('--json', 'print the result as JSON', false)
      .action(async (options: VerifyOptions) => {
        process.exitCode = await verify(options);
      });
  },
};

async function verify(options: VerifyOptions): Promise<number> {
  const config = loadConfig();
  const files = auditFiles(config);
  const onNetworkStore = config.EVENT_STORE !== 'sqlite' && !options.events;
  const eventsPath = options.events ?? files.events;
  const checkpointsPath = options.checkpoints ?? files.checkpoints;
  if (!onNetworkStore && !existsSync(eventsPath)) return fail(`No events file at ${eventsPath}`);

  const checkpoints = SignedCheckpointStore.readAll(checkpointsPath);
  let publicKey: KeyObject | undefined;
  if (options.publicKey) publicKey = readPublicKey(options.publicKey);
  else if (existsSync(files.signingKey)) publicKey = createPublicKey(readFileSync(files.signingKey));
  if (checkpoints.length > 0 && !publicKey) {
    return fail('Checkpoints found but no key to verify them: pass --public-key <pem>');
  }

  const source = onNetworkStore
    ? // The verifier reads the log as stored: no schema is needed.
      await openAppEventStore(config, new EventSchemaRegistry([]))
    : new SqliteStoredEvents(eventsPath);
  const started = performance.now();
  let result: ChainVerification;
  try {
    result = await verifyEventLog(source, { from: options.from, to: options.to, checkpoints, publicKey });
  } finally {
    await source.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const log = onNetworkStore ? `the ${config.EVENT_STORE} log` : eventsPath;

  if (options.json) {
    process.stdout.write(`${JSON.stringify({ ...result, log, checkpointsPath, seconds }, null, 2)}\n`);
  } else {
    process.stdout.write(`${report(result, checkpoints.length, seconds)}\n`);
    if (checkpoints.length === 0) {
      process.stdout.write(
        `warning: no signed checkpoints in ${checkpointsPath}: truncation of the tail cannot be detected\n`,
      );
    }
  }
  return result.ok ? 0 : 1;
}

function report(result: ChainVerification, checkpointCount: number, seconds: number): string {
  const range = result.checked > 0 ? ` (positions ${result.from}..${result.verifiedThrough})` : '';
  const counts =
    `${result.checked} events verified${range} in ${seconds.toFixed(2)} s, ` +
    `${result.checkpointsChecked} of ${checkpointCount} signed checkpoints verified`;
  const last = result.lastCheckpoint
    ? `; last good checkpoint at ${result.lastCheckpoint.position} signed ${result.lastCheckpoint.signedAt}`
    : '';
  const bad = result.firstBad;
  if (!bad) return `OK: ${counts}${last}`;
  return `TAMPERED at position ${bad.position}: ${bad.problem} — ${bad.message}\n${counts}${last}`;
}

function fail(message: string): number {
  console.error(message);
  return 2;
}
