import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { transform } from '@swc-node/core';
import { readDefaultTsConfig, tsCompilerOptionsToSwcConfig } from '@swc-node/register/read-default-tsconfig';

/**
 * Compiles the server processes to JavaScript under `dist/` (same layout as the sources), for
 * deployments that start them with plain `node`: the register hook of `npm start` compiles every
 * file at each start and keeps TypeScript and the SWC binary in every process (≈70 MB of resident
 * memory per API node, see docs/deployment.md). The files are compiled by the same SWC transform,
 * with the same tsconfig, as the hook does, so what runs is the code the tests ran; the `@mandate/*`
 * aliases become relative paths. Specs and test helpers are left out.
 */
export const ROOT = join(__dirname, '..');
export const DIST = join(ROOT, 'dist');
/** What the server processes are made of (the console is built by Vite, the scripts stay TypeScript). */
const SOURCES = [
  'apps/api/src',
  'apps/worker/src',
  'apps/gateway/src',
  'apps/relay/src',
  'apps/cli/src',
  'libs',
  'workflows',
];

const isSource = (path: string) =>
  path.endsWith('.ts') && !path.endsWith('.d.ts') && !/\.(unit|int|e2e)\.spec\.ts$/.test(path);

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === 'test' || entry.name === 'node_modules' ? [] : sourcesUnder(path);
    return isSource(path) ? [path] : [];
  });
}

/**
 * Packages a process may never use, depending on its configuration (the store, Kafka, upstream
 * credential leases): in the build they are required where first used, not when the importing
 * file loads (SWC's `lazy`), so a node that does not use them neither loads nor compiles them: an
 * API on SQLite without Kafka starts with 345 files fewer, ~8 MB less resident memory and ~0.1 s
 * less CPU (docs/deployment.md). Only packages whose import has no side effect belong here.
 */
export const LAZY_PACKAGES = ['pg', 'kafkajs', 'cloudevents', 'undici', 'tr46'];

/** Compiles `files` (absolute paths under the repository) into `out`, each with its source map beside it. */
export async function compile(files: readonly string[], out = DIST): Promise<number> {
  const options = readDefaultTsConfig(join(ROOT, 'tsconfig.json'));
  await Promise.all(
    files.map(async (file) => {
      const swc = tsCompilerOptionsToSwcConfig(options, file);
      // The module settings @swc-node/core derives from the tsconfig, plus the lazy packages.
      const module = {
        type: 'commonjs' as const,
        noInterop: !swc.esModuleInterop,
        ignoreDynamic: swc.ignoreDynamic,
        lazy: LAZY_PACKAGES,
      };
      const { code, map } = await transform(await readFile(file, 'utf8'), file, {
        ...swc,
        sourcemap: true,
        swc: { ...swc.swc, module },
      });
      const target = join(out, relative(ROOT, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(target), { recursive: true });
      const name = target.slice(dirname(target).length + 1);
      writeFileSync(target, `${code}\n//# sourceMappingURL=${name}.map\n`);
      if (map) writeFileSync(`${target}.map`, map);
    }),
  );
  return files.length;
}

/** Every server source, compiled afresh into `dist/`. */
export async function build(extra: readonly string[] = []): Promise<number> {
  rmSync(DIST, { recursive: true, force: true });
  const files = [
    ...SOURCES.flatMap((dir) => sourcesUnder(join(ROOT, dir))),
    ...extra.map((file) => join(ROOT, file)),
  ];
  return compile(files);
}

if (require.main === module) {
  const started = performance.now();
  build().then(
    (count) =>
      console.error(`built ${count} files into dist/ in ${Math.round(performance.now() - started)} ms`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
