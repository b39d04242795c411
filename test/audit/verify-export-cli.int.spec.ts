import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportText } from '@mandate/audit';
import { exportPublicKeyPem, keyIdOf, signCheckpoint, SqliteEventStore } from '@mandate/event-store';
import { createTempDir, type TempDir } from '@mandate/testing';
import {
  agentActionAuthorized,
  appendAll,
  auditSchemas,
  channelCreated,
  workspaceCreated,
} from '../../libs/audit/test/audit-events';

const ROOT = join(__dirname, '..', '..');

/** `npm run cli -- audit verify-export …` as an auditor runs it: no data directory, no configuration. */
function cli(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    ['-r', './scripts/register.js', 'apps/cli/src/main.ts', 'audit', 'verify-export', ...args],
    { cwd: ROOT, env: { PATH: process.env.PATH }, encoding: 'utf8' },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('audit verify-export CLI', () => {
  let dir: TempDir;
  let exportPath: string;
  let keyPath: string;

  beforeAll(async () => {
    dir = createTempDir('mandate-verify-export-');
    const store = new SqliteEventStore({ path: dir.file('events.sqlite'), schemas: auditSchemas() });
    await appendAll(store, [
      workspaceCreated('acme'),
      workspaceCreated('globex'),
      channelCreated('acme', 'eng'),
      channelCreated('globex', 'eng'),
      agentActionAuthorized({ workspaceId: 'acme', channelId: 'eng' }),
      agentActionAuthorized({ workspaceId: 'globex', channelId: 'eng' }),
    ]);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const [fourth] = await store.readAll({ fromPosition: 4, limit: 1 });
    const checkpoint = signCheckpoint(
      { position: 4, headHash: fourth.hash, signedAt: new Date().toISOString() },
      privateKey,
    );
    exportPath = dir.file('acme.jsonl');
    const options = {
      workspaceId: 'acme',
      from: 1,
      to: 6,
      checkpoints: [checkpoint],
      format: 'jsonl' as const,
    };
    const key = { privateKey, keyId: keyIdOf(privateKey) };
    writeFileSync(
      exportPath,
      [...exportText(store, { ...options, key, exportedAt: new Date().toISOString() })].join(''),
    );
    await store.close();
    keyPath = dir.file('mandate-checkpoints.pem');
    writeFileSync(keyPath, exportPublicKeyPem(publicKey));
  });
  afterAll(() => dir.remove());

  it('given an intact export and the public key, when verified offline, then it says OK and exits 0', () => {
    const result = cli(exportPath, '--public-key', keyPath);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^OK: export of workspace acme, positions 1\.\.6: 3 events and 3 redacted positions .* 1 signed checkpoints matched, seal verified/,
    );
  }, 60_000);

  it('given an export with a line deleted, when verified, then it names the position and exits 1', () => {
    const lines = readFileSync(exportPath, 'utf8').split('\n');
    const tampered = dir.file('tampered.jsonl');
    writeFileSync(tampered, lines.filter((line) => !line.includes('"globalPosition":3,')).join('\n'));

    const result = cli(tampered, '--public-key', keyPath, '--json');

    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: false,
      verifiedThrough: 2,
      firstBad: { position: 3, problem: 'deleted' },
    });
  }, 60_000);

  it('given no readable key, when verifying, then it exits 2', () => {
    expect(cli(exportPath, '--public-key', dir.file('missing.pem')).code).toBe(2);
  }, 60_000);
});
