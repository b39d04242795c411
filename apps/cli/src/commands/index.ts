import { auditCheckpointCommand } from './audit-checkpoint.command';
import { auditPublicKeyCommand } from './audit-public-key.command';
import { auditVerifyCommand } from './audit-verify.command';
import { auditVerifyExportCommand } from './audit-verify-export.command';
import type { CliCommand } from './cli-command';
import { demoCommand } from './demo.command';
import { replayCommand } from './replay.command';
import { tokenCommand } from './token.command';

export type { CliCommand } from './cli-command';

/** Every command `npm run cli` knows; add one by adding its file and a line here. */
export const commands: CliCommand[] = [
  tokenCommand,
  auditVerifyCommand,
  auditCheckpointCommand,
  auditPublicKeyCommand,
  auditVerifyExportCommand,
  replayCommand,
  demoCommand,
];
