import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(__dirname, '..', '..');

describe('apps/api/src/main.ts', () => {
  it('refuses a bad configuration naming the variable', async () => {
    const child = spawn(process.execPath, ['-r', './scripts/register.js', 'apps/api/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, API_PORT: 'not-a-port' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    expect(code).toBe(78);
    expect(stderr).toContain('API_PORT');
  }, 30_000);

  it('refuses to start in production without AUTH_MODE, naming it: dev tokens never run in production', async () => {
    const { AUTH_MODE: _mode, ...env } = process.env;
    const child = spawn(process.execPath, ['-r', './scripts/register.js', 'apps/api/src/main.ts'], {
      cwd: ROOT,
      env: { ...env, NODE_ENV: 'production' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    expect(code).toBe(78);
    expect(stderr).toContain('AUTH_MODE: required in production');
  }, 30_000);

  it('serves, logs only JSON lines, and shuts down cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mandate-main-'));
    const child = spawn(process.execPath, ['-r', './scripts/register.js', 'apps/api/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        API_PORT: '0',
        DATA_DIR: join(dir, 'data'),
        AUTH_DEV_KEY_PATH: join(dir, 'key.json'),
        LOG_LEVEL: 'info',
      },
    });
    const lines: string[] = [];
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal })),
    );
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        lines.push(line);
        const parsed = JSON.parse(line) as { msg?: string; url?: string };
        if (parsed.msg === 'API listening' && parsed.url) resolve(parsed.url);
      });
      child.on('exit', () => reject(new Error(`exited before listening:\n${lines.join('\n')}`)));
    });

    const health = await fetch(`${url.replace('[::1]', '127.0.0.1')}/healthz`);
    child.kill('SIGTERM');
    const exit = await exited;

    expect(health.status).toBe(200);
    // Nest closes the app (connections drained, shutdown hooks run), then re-raises the signal.
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    const written = stdout.trim().split('\n');
    const parsed = written.map((line) => JSON.parse(line) as Record<string, unknown>);
    // Nest's start-up narration (module init, one line per route mapped) is at debug.
    const narration = [
      'NestFactory',
      'InstanceLoader',
      'RoutesResolver',
      'RouterExplorer',
      'NestApplication',
    ];
    expect(parsed.filter((line) => narration.includes(String(line.context)))).toEqual([]);
    expect(parsed.some((line) => line.msg === 'API listening')).toBe(true);
    expect(parsed.at(-1)).toMatchObject({ msg: 'API stopped', signal: 'SIGTERM' });
  }, 60_000);
});
