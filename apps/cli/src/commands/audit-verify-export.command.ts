import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { readExportFile, verifyExport, type ExportVerification } from '@mandate/audit';
import { readPublicKey } from '@mandate/event-store';
import { auditGroup } from './audit-group';
import type { CliCommand } from './cli-command';

interface VerifyExportOptions {
  publicKey: string;
  json: boolean;
}

/**
 * `mandate audit verify-export <file> --public-key key.pem`: verifies a workspace export with
 * nothing but the file and the public key (no server, no configuration). Exit code 0 when intact,
 * 1 when tampered (the position and what is wrong are printed), 2 when it cannot verify at all.
 */
export const auditVerifyExportCommand: CliCommand = {
  name: 'audit verify-export',
  register(program: Command) {
    auditGroup(program)
      .command('verify-export')
      .description(
        'verify a workspace export (JSON Lines or CSV) offline: chain, checkpoints, seal, completeness',
      )
      .argument('<file>', 'the export file')
      .requiredOption('--public-key <pem>', 'Ed25519 public key (SPKI PEM) from `audit public-key`')
      .option('--json', 'print the result as JSON', false)
      .action(async (file: string, options: VerifyExportOptions) => {
        process.exitCode = await run(file, options);
      });
  },
};

async function run(file: string, options: VerifyExportOptions): Promise<number> {
  if (!existsSync(file)) return fail(`No export file at ${file}`);
  if (!existsSync(options.publicKey)) return fail(`No public key at ${options.publicKey}`);
  let publicKey;
  try {
    publicKey = readPublicKey(options.publicKey);
  } catch (error) {
    return fail(`Cannot read the public key: ${(error as Error).message}`);
  }
  const started = performance.now();
  const result = await verifyExport((readOptions) => readExportFile(file, readOptions), publicKey);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    options.json
      ? `${JSON.stringify({ ...result, file, seconds }, null, 2)}\n`
      : `${report(result, seconds)}\n`,
  );
  return result.ok ? 0 : 1;
}

function report(result: ExportVerification, seconds: number): string {
  const range =
    result.from === null ? '' : ` of workspace ${result.workspaceId}, positions ${result.from}..${result.to}`;
  const counts =
    `${result.events} events and ${result.redactedPositions} redacted positions of other workspaces verified` +
    ` (through ${result.verifiedThrough}) in ${seconds.toFixed(2)} s, ${result.checkpointsChecked} signed checkpoints matched` +
    (result.sealVerified ? ', seal verified' : '');
  const bad = result.firstBad;
  if (!bad) return `OK: export${range}: ${counts}`;
  const where = bad.position === 0 ? 'the export as a whole' : `position ${bad.position}`;
  const line = bad.line === undefined ? '' : ` (line ${bad.line})`;
  return `TAMPERED at ${where}${line}: ${bad.problem} — ${bad.message}\nexport${range}: ${counts}`;
}

function fail(message: string): number {
  console.error(message);
  return 2;
}
