import type { Command } from 'commander';

/** A CLI command: a name for the list in main.ts and a function that attaches it to the program. */
export interface CliCommand {
  name: string;
  register(program: Command): void;
}
