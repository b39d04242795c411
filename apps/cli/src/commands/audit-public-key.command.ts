import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '@mandate/config';
import { exportPublicKeyPem, loadCheckpointSigningKey } from '@mandate/event-store';
import { auditGroup } from './audit-group';
import type { CliCommand } from './cli-command';

/** `mandate audit public-key [--out file.pem]`: the key auditors verify checkpoints with, offline. */
export const auditPublicKeyCommand: CliCommand = {
  name: 'audit public-key',
  register(program: Command) {
    auditGroup(program)
      .command('public-key')
      .description('print the checkpoint signing public key (SPKI PEM) for offline verification')
      .option('--out <path>', 'write it to a file instead of stdout')
      .action((options: { out?: string }) => {
        const config = loadConfig();
        const key = loadCheckpointSigningKey({
          path: config.CHECKPOINT_SIGNING_KEY_PATH,
          dataDir: config.DATA_DIR,
          production: config.NODE_ENV === 'production',
        });
        const pem = exportPublicKeyPem(key.publicKey);
        if (options.out) writeFileSync(options.out, pem);
        else process.stdout.write(pem);
        process.stderr.write(`key id (SHA-256 of the DER public key): ${key.keyId}\n`);
      });
  },
};
