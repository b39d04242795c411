import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { keyIdOf, signCheckpoint, type SqliteEventStore, type SignedCheckpoint } from '@mandate/event-store';
import { createTempDir, type TempDir } from '@mandate/testing';
import {
  agentActionAuthorized,
  appendAll,
  channelCreated,
  openMemoryStore,
  workspaceCreated,
} from '../../test/audit-events';
import { readExportFile, type ExportFormat } from './export-codec';
import { verifyExport, type ExportVerification } from './export-verifier';
import { exportRecords, exportText } from './export-writer';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const key = { privateKey, keyId: keyIdOf(privateKey) };
const other = generateKeyPairSync('ed25519');

describe('workspace export and its offline verification', () => {
  let store: SqliteEventStore;
  let dir: TempDir;
  let checkpoints: SignedCheckpoint[];

  beforeEach(async () => {
    dir = createTempDir('mandate-export-');
    store = openMemoryStore();
    // acme at 1, 4, 5, 8, 11; globex and initech around them.
    await appendAll(store, [
      workspaceCreated('acme'),
      workspaceCreated('globex'),
      workspaceCreated('initech'),
      channelCreated('acme', 'eng'),
      agentActionAuthorized({ workspaceId: 'acme', channelId: 'eng', resource: 'acme/a "quoted", b\nc' }),
      channelCreated('globex', 'x'),
      channelCreated('globex', 'y'),
      agentActionAuthorized({ workspaceId: 'acme', channelId: 'eng' }),
      channelCreated('initech', 'z'),
      channelCreated('globex', 'w'),
      agentActionAuthorized({ workspaceId: 'acme', channelId: 'eng' }),
      channelCreated('globex', 'v'),
    ]);
    const hashes = new Map((await store.readAll()).map((event) => [event.globalPosition, event.hash]));
    checkpoints = [6, 10, 12].map((position) =>
      signCheckpoint(
        { position, headHash: hashes.get(position) as string, signedAt: '2026-01-01T00:00:00.000Z' },
        privateKey,
      ),
    );
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  function exportTo(format: ExportFormat, range: { from?: number; to?: number } = {}): string {
    const path = dir.file(`acme.${format}`);
    const records = exportRecords(store, {
      workspaceId: 'acme',
      from: range.from ?? 1,
      to: range.to ?? 12,
      checkpoints,
      key,
      exportedAt: '2026-01-02T00:00:00.000Z',
    });
    writeFileSync(path, [...exportText(records, format, 100)].join(''));
    return path;
  }

  const verify = (path: string, key = publicKey): Promise<ExportVerification> =>
    verifyExport((options) => readExportFile(path, options), key);

  const editLines = (path: string, edit: (lines: string[]) => string[]) => {
    const lines = readFileSync(path, 'utf8').split('\n').slice(0, -1);
    writeFileSync(path, `${edit(lines).join('\n')}\n`);
  };

  it.each(['jsonl', 'csv'] as const)(
    'given an untouched %s export, when verified offline, then every position is accounted for',
    async (format) => {
      const result = await verify(exportTo(format));

      expect(result).toMatchObject({
        ok: true,
        workspaceId: 'acme',
        from: 1,
        to: 12,
        events: 5,
        redactedPositions: 7,
        verifiedThrough: 12,
        checkpointsChecked: 3,
        sealVerified: true,
      });
    },
  );

  it('given an export, when read, then other workspaces appear only as redacted hash links', async () => {
    const text = readFileSync(exportTo('jsonl'), 'utf8');

    expect(text).not.toContain('globex');
    expect(text).not.toContain('initech');
    const kinds = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string; from?: number; to?: number });
    expect(kinds.filter((record) => record.kind === 'redacted').map(({ from, to }) => [from, to])).toEqual([
      [2, 3],
      [6, 6], // ends at the checkpoint at 6
      [7, 7],
      [9, 10],
      [12, 12],
    ]);
  });

  it('given an export whose JSON was reformatted without changing a value, when verified, then it is still intact', async () => {
    const path = exportTo('jsonl');
    editLines(path, (lines) =>
      lines.map((line) => line.replace('"data":{', '"data": {').replace('"allowed":true', '"allowed": true')),
    );

    expect(await verify(path)).toMatchObject({ ok: true, events: 5 });
  });

  it('given a range starting after 1, when verified, then it links to the anchor and checks the checkpoints in range', async () => {
    const result = await verify(exportTo('jsonl', { from: 5, to: 11 }));

    expect(result).toMatchObject({ ok: true, from: 5, to: 11, events: 3, checkpointsChecked: 2 });
  });

  describe.each(['jsonl', 'csv'] as const)('tampering with a %s export', (format) => {
    const offset = format === 'csv' ? 1 : 0; // CSV's column line
    /** Index in the file's lines of the record covering `position`. */
    const lineOf = (lines: string[], position: number) =>
      lines.findIndex((line, index) => {
        if (index <= offset) return false;
        const match = format === 'csv' ? /^(event|redacted),(\d+),(\d*)/.exec(line) : null;
        if (match) return Number(match[2]) <= position && position <= Number(match[3] || match[2]);
        if (format === 'csv') return false;
        const record = JSON.parse(line) as {
          kind: string;
          globalPosition?: number;
          from?: number;
          to?: number;
        };
        return record.kind === 'event'
          ? record.globalPosition === position
          : record.kind === 'redacted' &&
              (record.from as number) <= position &&
              position <= (record.to as number);
      });

    it('names a modified event', async () => {
      const path = exportTo(format);
      editLines(path, (lines) =>
        lines.map((line, index) => (index === lineOf(lines, 8) ? line.replace('"write"', '"admin"') : line)),
      );

      expect((await verify(path)).firstBad).toMatchObject({ position: 8, problem: 'modified' });
    });

    it('names a deleted event', async () => {
      const path = exportTo(format);
      editLines(path, (lines) => lines.filter((_, index) => index !== lineOf(lines, 5)));

      const result = await verify(path);
      expect(result.firstBad).toMatchObject({ position: 5, problem: 'deleted' });
      expect(result.verifiedThrough).toBe(4);
    });

    it('names reordered events', async () => {
      const path = exportTo(format);
      editLines(path, (lines) => {
        const [a, b] = [lineOf(lines, 4), lineOf(lines, 5)];
        const copy = [...lines];
        [copy[a], copy[b]] = [copy[b], copy[a]];
        return copy;
      });

      expect((await verify(path)).firstBad).toMatchObject({ position: 4, problem: 'reordered' });
    });

    it('names a truncated export, cut between records or inside one', async () => {
      const path = exportTo(format);
      const full = readFileSync(path, 'utf8');
      editLines(path, (lines) => lines.slice(0, lineOf(lines, 9)));

      expect((await verify(path)).firstBad).toMatchObject({ position: 9, problem: 'truncated' });

      const cut = full.indexOf('\n', full.indexOf('acme/a')) - 10;
      writeFileSync(path, full.slice(0, cut));
      expect((await verify(path)).firstBad).toMatchObject({ problem: 'truncated' });
    });

    it('names an event turned into a redacted link, or re-hashed, by the seal', async () => {
      const path = exportTo(format);
      editLines(path, (lines) =>
        lines.map((line, index) => {
          if (index !== lineOf(lines, 11)) return line;
          const { prevHash, hash } =
            format === 'csv'
              ? { prevHash: line.split(',').at(-5) as string, hash: line.split(',').at(-4) as string }
              : (JSON.parse(line) as { prevHash: string; hash: string });
          return format === 'csv'
            ? `redacted,11,11,,,,,,,,,,,,,,${prevHash},${hash},,,`
            : JSON.stringify({ kind: 'redacted', from: 11, to: 11, prevHash, hash });
        }),
      );

      expect((await verify(path)).firstBad).toMatchObject({ problem: 'bad-seal' });
    });

    it('names a key that did not sign it', async () => {
      expect((await verify(exportTo(format), other.publicKey)).firstBad).toMatchObject({
        position: 6,
        problem: 'bad-checkpoint-signature',
      });
    });
  });
});
