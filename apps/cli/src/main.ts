import { Command } from 'commander';
import { commands } from './commands';

/** `npm run cli -- <command> [options]` */
export function buildProgram(): Command {
  const program = new Command('mandate').description('Mandate command line').showHelpAfterError();
  for (const command of commands) command.register(program);
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
