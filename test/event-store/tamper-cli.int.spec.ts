import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@mandate/testing';
import { SqliteEventStore } from '@mandate/event-store';
import { notes, testEventRegistry } from '../../libs/event-store/test/test-events';

const ROOT = join(__dirname, '..', '..');

/** `npm run cli -- audit …` as an operator runs it: a child process on a real data directory. */
function cli(dataDir: string, ...args: string[]) {
  const { SQLITE_PATH: _events, CHECKPOINT_SIGNING_KEY_PATH: _key, ...env } = process.env;
  const result = spawnSync(
    process.execPath,
    ['-r', './scripts/register.js', 'apps/cli/src/main.ts', 'audit', ...args],
    {
      cwd: ROOT,
      env: { ...env, DATA_DIR: dataDir, NODE_ENV: 'development' },
      encoding: 'utf8',
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('audit CLI', () => {
  let dir: TempDir;

  beforeAll(async () => {
    dir = createTempDir('mandate-audit-cli-');
    const store = new SqliteEventStore({ path: dir.file('events.sqlite'), schemas: testEventRegistry() });
    await store.append('notes-1', notes(40), { expectedRevision: 'no_stream' });
    await store.close();
  });
  afterAll(() => dir.remove());

  it('given a checkpointed log, when verified, then it reports OK and exits 0; after a row is deleted it names it and exits 1', () => {
    expect(cli(dir.path, 'checkpoint').code).toBe(0);
    const publicKey = cli(dir.path, 'public-key');
    expect(publicKey.stdout).toContain('-----BEGIN PUBLIC KEY-----');

    const intact = cli(dir.path, 'verify');
    expect(intact).toMatchObject({ code: 0 });
    expect(intact.stdout).toMatch(/^OK: 40 events verified \(positions 1\.\.40\).*1 of 1 signed checkpoints/);

    const db = new Database(dir.file('events.sqlite'));
    db.exec('DROP TRIGGER events_no_delete');
    db.prepare('DELETE FROM events WHERE global_position = 23').run();
    db.close();

    const tampered = cli(dir.path, 'verify', '--json');
    expect(tampered.code).toBe(1);
    expect(JSON.parse(tampered.stdout)).toMatchObject({
      ok: false,
      checked: 22,
      firstBad: { position: 23, problem: 'deleted' },
    });
  }, 60_000);
});
