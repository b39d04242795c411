import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '@mandate/config';
import {
  auditFiles,
  Checkpointer,
  loadCheckpointSigningKey,
  SignedCheckpointStore,
  SqliteStoredEvents,
} from '@mandate/event-store';
import { auditGroup } from './audit-group';
import type { CliCommand } from './cli-command';

/** `mandate audit checkpoint`: signs the current head of the log now (on demand). */
export const auditCheckpointCommand: CliCommand = {
  name: 'audit checkpoint',
  register(program: Command) {
    auditGroup(program)
      .command('checkpoint')
      .description('sign a checkpoint over the current head of the event log')
      .action(() => {
        const config = loadConfig();
        const files = auditFiles(config);
        if (!existsSync(files.events)) throw new Error(`No events file at ${files.events}`);
        const events = new SqliteStoredEvents(files.events);
        const head = events.head();
        events.close();
        if (!head) {
          process.stdout.write('The log is empty: nothing to sign\n');
          return;
        }
        const key = loadCheckpointSigningKey({
          path: config.CHECKPOINT_SIGNING_KEY_PATH,
          dataDir: config.DATA_DIR,
          production: config.NODE_ENV === 'production',
        });
        const checkpoints = SignedCheckpointStore.open(files.checkpoints);
        try {
          const checkpoint = new Checkpointer({
            checkpoints,
            key,
            every: config.CHECKPOINT_EVERY_EVENTS,
          }).sign(head.position, head.hash);
          process.stdout.write(`${JSON.stringify(checkpoint, null, 2)}\n`);
        } finally {
          checkpoints.close();
        }
      });
  },
};
