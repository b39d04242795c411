import { ProvisioningError } from './provisioning-error';
import { installIntoVenv, isInstalled, venvBinary, venvDir, type VenvTool } from './venv';

/** Schemathesis (PyPI), which fuzzes the API from its OpenAPI document; pinned for reproducible runs. */
export const SCHEMATHESIS_PACKAGE = 'schemathesis==4.32.5';

const schemathesisTool: VenvTool = { requirement: SCHEMATHESIS_PACKAGE, binary: 'st' };

/** The `st` executable, installed into `.mandate/venv` on first use. */
export async function resolveSchemathesis({
  env = process.env,
  log = () => undefined,
}: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {}): Promise<string> {
  if (isInstalled(schemathesisTool)) return venvBinary(schemathesisTool);
  const failure = await installIntoVenv(schemathesisTool, env, log);
  if (!failure) return venvBinary(schemathesisTool);
  throw new ProvisioningError('Schemathesis', [
    {
      way: `PyPI package ${SCHEMATHESIS_PACKAGE} in ${venvDir}`,
      outcome: failure,
      fix: 'install Python 3 with the venv module and pip, make PyPI reachable (or set PIP_INDEX_URL to a mirror), then retry; `rm -rf .mandate/venv` clears a broken install',
    },
  ]);
}
