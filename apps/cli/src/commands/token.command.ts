import { InvalidArgumentError, Option, type Command } from 'commander';
import { mintDevToken, type PrincipalKind } from '@mandate/auth';
import { loadConfig } from '@mandate/config';
import type { CliCommand } from './cli-command';

interface TokenOptions {
  sub: string;
  kind: PrincipalKind;
  scope: string[];
  ttl: string;
}

const TTL =
  /^\d+\s*(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks)$/;

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const ttl = (value: string): string => {
  if (!TTL.test(value)) throw new InvalidArgumentError('use a span such as 30m, 1h or 7d');
  return value;
};

/** `mandate token --sub alice [--kind user|service] [--scope check]... [--ttl 1h]`: prints a dev JWT. */
export const tokenCommand: CliCommand = {
  name: 'token',
  register(program: Command) {
    program
      .command('token')
      .description('mint a development token signed with the local dev key (AUTH_MODE=dev only)')
      .requiredOption('--sub <principal>', 'principal id (the token subject)')
      .addOption(new Option('--kind <kind>', 'principal kind').choices(['user', 'service']).default('user'))
      .option('--scope <scope>', 'service scope, repeatable (e.g. --scope check)', collect, [])
      .option('--ttl <span>', 'lifetime, e.g. 15m, 1h, 7d', ttl, '1h')
      .action(async (options: TokenOptions) => {
        const token = await mintDevToken(
          { sub: options.sub, kind: options.kind, scopes: options.scope, ttl: options.ttl },
          loadConfig(),
        );
        process.stdout.write(`${token}\n`);
      });
  },
};
