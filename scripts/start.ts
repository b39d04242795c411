import { join } from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '@mandate/config';
import {
  isShuttingDown,
  ManagedProcess,
  mandateHome,
  onShutdown,
  provideLocalInfra,
  repoRoot,
  shutdown,
} from '@mandate/infra';

const log = (line: string) => console.error(line);

const program = new Command('start')
  .description('Start Mandate with embedded defaults: local Temporal dev server, the API and the worker')
  .option('--with-kafka', 'also start a local Kafka broker (otherwise only KAFKA_BROKERS, when set, is used)')
  .parse();

async function main(options: { withKafka?: boolean }): Promise<void> {
  const config = loadConfig();
  const infra = await provideLocalInfra({
    // Fixed ports and a database file: workflows (JIT grant timers) survive restarts.
    temporal: { dbFile: join(mandateHome, 'temporal', 'dev.db'), port: 7233, uiPort: 8233 },
    kafka: options.withKafka ? { persistent: true, port: 9092, controllerPort: 9093 } : false,
    log,
  });
  // Cleanups run in reverse: the API and worker stop first, then the servers they use.
  onShutdown(() => infra.stop());

  // A fresh dev setup needs someone who may create the first workspace: `alice`, unless configured.
  const platformAdmins =
    config.AUTH_MODE === 'dev' && !config.PLATFORM_ADMINS ? 'alice' : config.PLATFORM_ADMINS;
  const env = { ...process.env, ...infra.env, PLATFORM_ADMINS: platformAdmins };
  const register = join(repoRoot, 'scripts', 'register.js');
  const app = (name: string, main: string) =>
    ManagedProcess.start({
      name,
      command: process.execPath,
      args: ['-r', register, main],
      cwd: repoRoot,
      env,
    });
  const api = app('api', 'apps/api/src/main.ts');
  const worker = app('worker', 'apps/worker/src/main.ts');
  onShutdown(async () => {
    await Promise.all([api.stop(), worker.stop()]);
  });

  const host = ['0.0.0.0', '::'].includes(config.API_HOST) ? '127.0.0.1' : config.API_HOST;
  const apiUrl = `http://${host.includes(':') ? `[${host}]` : host}:${config.API_PORT}`;
  await api.waitUntilReady(async () => (await fetch(`${apiUrl}/readyz`)).status === 200, {
    timeoutMs: 120_000,
  });

  console.log(
    [
      '',
      'Mandate is running.',
      `  API            ${apiUrl}`,
      `  API docs       ${apiUrl}/docs   (OpenAPI JSON: ${apiUrl}/openapi.json)`,
      `  Temporal UI    ${infra.temporal.uiUrl ?? '(set TEMPORAL_UI_URL)'}   (frontend ${infra.temporal.address})`,
      `  Kafka          ${infra.kafka?.brokers ?? 'off (set KAFKA_BROKERS or pass --with-kafka)'}`,
      '  Dev token      npm run cli -- token --sub alice --kind user',
      `  Runtime        Node ${process.version} (${process.execPath})`,
      `  Platform admins ${platformAdmins || '(none: set PLATFORM_ADMINS to create workspaces)'}`,
      '',
      'Ctrl-C stops everything.',
    ].join('\n'),
  );

  // Either application dying takes everything down: a half-running backend only misleads.
  await Promise.race([api.exited, worker.exited]);
  if (isShuttingDown()) return;
  const dead = api.running ? worker : api;
  log(`${dead.options.name} ${dead.describeExit()}; stopping.`);
  await shutdown(1);
}

main(program.opts()).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  void shutdown(1);
});
