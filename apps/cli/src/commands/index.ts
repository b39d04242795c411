import type { CliCommand } from './cli-command';
import { tokenCommand } from './token.command';

export type { CliCommand } from './cli-command';

/** Every command `npm run cli` knows; add one by adding its file and a line here. */
export const commands: CliCommand[] = [tokenCommand];
