import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mandateHome } from './paths';
import { findOnPath, runCommand, tail } from './run-command';

/** The project's own virtualenv: Python tools the tests run (the Temporal CLI, Schemathesis). */
export const venvDir = join(mandateHome, 'venv');

export interface VenvTool {
  /** A pinned requirement, `name==version`. */
  requirement: string;
  /** The executable it installs under `.mandate/venv/bin`. */
  binary: string;
}

export const venvBinary = (tool: VenvTool): string => join(venvDir, 'bin', tool.binary);

const markerOf = (tool: VenvTool) => join(venvDir, `.installed-${tool.requirement.replace('==', '-')}`);

/** True when this exact version was installed (a marker per pinned requirement). */
export const isInstalled = (tool: VenvTool): boolean =>
  existsSync(markerOf(tool)) && existsSync(venvBinary(tool));

/**
 * Installs the pinned requirement into the virtualenv (created first if needed). Returns why it
 * failed, or undefined when the binary is in place.
 */
export async function installIntoVenv(
  tool: VenvTool,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<string | undefined> {
  const python = findOnPath('python3', env) ?? findOnPath('python', env);
  if (!python) return 'no python3 on PATH';
  if (!existsSync(join(venvDir, 'bin', 'pip'))) {
    log(`venv: creating virtualenv ${venvDir}`);
    const created = await runCommand(python, ['-m', 'venv', venvDir], { env });
    if (created.code !== 0) return `\`${python} -m venv\` failed:\n${tail(created.output)}`;
  }
  log(`venv: installing ${tool.requirement} into the virtualenv`);
  const installed = await runCommand(
    join(venvDir, 'bin', 'pip'),
    ['install', '--quiet', '--disable-pip-version-check', tool.requirement],
    { env },
  );
  if (installed.code !== 0) return `pip install failed:\n${tail(installed.output)}`;
  if (!existsSync(venvBinary(tool))) return `the package installed no ${venvBinary(tool)}`;
  writeFileSync(markerOf(tool), `${new Date().toISOString()}\n`);
  return undefined;
}
