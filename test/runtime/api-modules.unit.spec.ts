import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

/**
 * The packages an API node loads, in a process of its own: each module an API node loads stays in
 * its memory (docs/deployment.md, "Running a node"), so those it does not use must not load.
 */
async function packagesLoadedBy(entry: string, env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const script = `
    require(${JSON.stringify(entry)});
    const names = new Set();
    for (const file of Object.keys(require.cache)) {
      const match = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(file);
      if (match) names.add(match[1]);
    }
    process.stdout.write(JSON.stringify([...names]));
  `;
  const { stdout } = await run(process.execPath, ['-r', join(ROOT, 'scripts', 'register.js'), '-e', script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    maxBuffer: 4 * 1024 * 1024,
  });
  return JSON.parse(stdout) as string[];
}

describe('what an API node loads', () => {
  it('given the API with tracing off on SQLite, when its modules are loaded, then neither the OpenTelemetry SDK, nor the EventStoreDB client, nor Temporal’s worker SDK, nor pino-pretty is', async () => {
    const loaded = await packagesLoadedBy(join(ROOT, 'apps', 'api', 'src', 'app.factory.ts'));

    expect(loaded).toEqual(expect.arrayContaining(['@nestjs/core', 'fastify', '@temporalio/client']));
    expect(
      loaded.filter((name) => /^@opentelemetry\/(sdk|exporter|resources|context-async-hooks)/.test(name)),
    ).toEqual([]);
    expect(loaded).not.toContain('@temporalio/interceptors-opentelemetry');
    expect(loaded).not.toContain('@eventstore/db-client');
    expect(loaded).not.toContain('@temporalio/worker');
    expect(loaded).not.toContain('pino-pretty');
  }, 60_000);
});
