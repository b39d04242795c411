import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@mandate/config';
import { repoRoot } from '@mandate/infra';
import { createLogger } from '@mandate/observability';
import { createApiApp } from '../../apps/api/src/app.factory';

/**
 * The API's types, generated from the document every client reads (committed): one file, in the
 * published client (`@mandate/client`); the console imports it as `@mandate/client/openapi`.
 */
export const GENERATED_CLIENT_TYPES = join(repoRoot, 'libs', 'client', 'src', 'openapi.generated.ts');

/**
 * `npm run console:api-types`: builds the API in process (a throwaway data directory; Temporal is
 * connected lazily, so none is needed), reads `/openapi.json` and turns it into TypeScript with
 * openapi-typescript, for `@mandate/client` and the console. Run it after changing a route.
 */
async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mandate-openapi-'));
  try {
    const config = loadConfig({
      DATA_DIR: join(dir, 'data'),
      AUTH_MODE: 'dev',
      AUTH_DEV_KEY_PATH: join(dir, 'key.json'),
      LOG_LEVEL: 'error',
    });
    const app = await createApiApp(config, { logger: createLogger({ level: 'error' }) });
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).body;
    await app.close();
    const source = join(dir, 'openapi.json');
    writeFileSync(source, document);
    const cli = join(repoRoot, 'node_modules', '.bin', 'openapi-typescript');
    const result = spawnSync(cli, [source, '--output', GENERATED_CLIENT_TYPES], { stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`openapi-typescript exited with ${result.status}`);
    // Formatted as the rest of the repository, so that regenerating changes only what changed.
    const prettier = join(repoRoot, 'node_modules', '.bin', 'prettier');
    spawnSync(prettier, ['--write', '--log-level', 'warn', GENERATED_CLIENT_TYPES], { stdio: 'inherit' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
