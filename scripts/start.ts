import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import { demoExports, demoReport, runDemo } from '../apps/cli/src/demo/run-demo';
import { type AppConfig, loadConfig, localApiUrl, localGatewayUrl } from '@mandate/config';
import {
  devTemporalDbFile,
  isShuttingDown,
  type LocalInfra,
  ManagedProcess,
  onShutdown,
  provideLocalInfra,
  repoRoot,
  shutdown,
} from '@mandate/infra';
import { connectTemporalClient, isPollingWorkflows } from '@mandate/temporal';

const log = (line: string) => console.error(line);

const program = new Command('start')
  .description(
    'Start Mandate with embedded defaults: local Temporal dev server, the API, the worker and the egress gateway',
  )
  .option('--with-kafka', 'also start a local Kafka broker (otherwise only KAFKA_BROKERS, when set, is used)')
  .option(
    '--demo',
    'once everything is ready, build the demo workspace "acme" and print its personas’ tokens',
  )
  .parse();

async function main(options: { withKafka?: boolean; demo?: boolean }): Promise<void> {
  const config = loadConfig();
  const infra = await provideLocalInfra({
    // Fixed ports and a database file beside the event log: workflows (JIT grant timers) survive
    // restarts, and a fresh DATA_DIR starts with no workflows of an older log.
    temporal: { dbFile: devTemporalDbFile(config.DATA_DIR), port: 7233, uiPort: 8233 },
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
  const gateway = app('gateway', 'apps/gateway/src/main.ts');
  onShutdown(async () => {
    await Promise.all([api.stop(), worker.stop(), gateway.stop()]);
  });

  const apiUrl = localApiUrl(config);
  const gatewayUrl = localGatewayUrl(config);
  const temporal = await connectTemporalClient({ ...config, TEMPORAL_ADDRESS: infra.temporal.address });
  try {
    await Promise.all([
      api.waitUntilReady(async () => (await fetch(`${apiUrl}/readyz`)).status === 200, {
        timeoutMs: 120_000,
      }),
      worker.waitUntilReady(
        () => isPollingWorkflows(temporal.client, config.TEMPORAL_TASK_QUEUE, worker.pid ?? -1),
        { timeoutMs: 120_000 },
      ),
      gateway.waitUntilReady(async () => (await fetch(`${gatewayUrl}/readyz`)).status === 200, {
        timeoutMs: 120_000,
      }),
    ]);
  } finally {
    await temporal.close();
  }

  if (options.demo) {
    const run = await runDemo({ ...config, PLATFORM_ADMINS: platformAdmins }, apiUrl);
    // The apps write their last request lines as the demo's answers arrive: let them land first.
    await sleep(300);
    console.log(`\n${demoReport(run)}\nIn your shell:\n${demoExports(run)}`);
  }
  console.log(banner(config, { apiUrl, gatewayUrl, infra, platformAdmins, demo: options.demo === true }));

  // Any application dying takes everything down: a half-running backend only misleads.
  await Promise.race([api.exited, worker.exited, gateway.exited]);
  if (isShuttingDown()) return;
  const dead = [api, worker, gateway].find((process) => !process.running) ?? api;
  log(`${dead.options.name} ${dead.describeExit()}; stopping.`);
  await shutdown(1);
}

/** The last lines `npm start` prints: where everything is and how to get in. */
function banner(
  config: AppConfig,
  {
    apiUrl,
    gatewayUrl,
    infra,
    platformAdmins,
    demo,
  }: { apiUrl: string; gatewayUrl: string; infra: LocalInfra; platformAdmins: string; demo: boolean },
): string {
  const admin = platformAdmins.split(',')[0]?.trim();
  const token =
    config.AUTH_MODE === 'dev'
      ? [
          `  Get a token      export TOKEN=$(npm run -s cli -- token --sub ${admin || 'alice'})`,
          `                   curl -H "Authorization: Bearer $TOKEN" ${apiUrl}/v1/me`,
        ]
      : ['  Tokens           from your identity provider (AUTH_MODE=jwks)'];
  return [
    '',
    'Mandate is running.',
    `  API              ${apiUrl}`,
    `  API docs         ${apiUrl}/docs   (OpenAPI: ${apiUrl}/openapi.json)`,
    `  Web console      ${apiUrl}/console/${config.AUTH_MODE === 'dev' ? '   (sign in with a principal id, e.g. bob)' : ''}`,
    `  Egress gateway   ${gatewayUrl}   (HTTPS_PROXY for the agent, with a gateway session: docs/gateway.md)`,
    `  Temporal UI      ${infra.temporal.uiUrl ?? '(set TEMPORAL_UI_URL)'}   (frontend ${infra.temporal.address})`,
    `  Kafka            ${infra.kafka?.brokers ?? 'off (set KAFKA_BROKERS or pass --with-kafka)'}`,
    `  Runtime          Node ${process.version}`,
    `  Platform admins  ${platformAdmins || '(none: set PLATFORM_ADMINS to create workspaces)'}`,
    ...token,
    demo
      ? '  Demo tokens      eval "$(npm run -s cli -- demo)"   (acme exists: this only mints new tokens)'
      : '  Demo workspace   eval "$(npm run -s cli -- demo)"   (or start with: npm start -- --demo)',
    '',
    'Ctrl-C stops everything.',
  ].join('\n');
}

main(program.opts()).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  void shutdown(1);
});
