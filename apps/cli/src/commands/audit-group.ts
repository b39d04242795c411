import type { Command } from 'commander';

/** The `audit` command group; each audit subcommand attaches itself to it. */
export function auditGroup(program: Command): Command {
  return (
    program.commands.find((command) => command.name() === 'audit') ??
    program.command('audit').description('verify and sign the tamper-evident event log')
  );
}
