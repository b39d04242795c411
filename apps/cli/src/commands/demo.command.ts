import type { Command } from 'commander';
import { loadConfig, localApiUrl } from '@mandate/config';
import { demoExports, demoReport, runDemo } from '../demo/run-demo';
import type { CliCommand } from './cli-command';

/**
 * `mandate demo [--api URL] [--admin ID]`: builds the demo workspace `acme` through the running
 * API and prints a token per persona. The `export` lines go to stdout and the report to stderr,
 * so `eval "$(npm run -s cli -- demo)"` sets the tokens in the shell.
 */
export const demoCommand: CliCommand = {
  name: 'demo',
  register(program: Command) {
    program
      .command('demo')
      .description(
        'create the demo workspace "acme" through the API (running it again adds nothing); print persona tokens',
      )
      .option('--api <url>', 'the API base URL (default: from API_HOST and API_PORT)')
      .option(
        '--admin <principal>',
        'a platform admin to create the workspace (default: first of PLATFORM_ADMINS, else alice)',
      )
      .action(async (options: { api?: string; admin?: string }) => {
        const config = loadConfig();
        const run = await runDemo(config, options.api ?? localApiUrl(config), options.admin);
        process.stderr.write(`${demoReport(run)}\n`);
        process.stdout.write(`${demoExports(run)}\n`);
      });
  },
};
