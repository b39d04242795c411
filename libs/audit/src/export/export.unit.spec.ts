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
import type { ExportFormat } from './export-codec';
import { readExportFile } from './export-file-reader';
import { verifyExport, type ExportVerification } from './export-verifier';
import { exportText, exportTextAsync } from './export-text';

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

  function exportTo(
    format: ExportFormat,
    range: { from?: number; to?: number; fromInstant?: string; toInstant?: string } = {},
  ): string {
    const path = dir.file(`acme.${format}`);
    const options = { workspaceId: 'acme', checkpoints, key, format, exportedAt: '2026-01-02T00:00:00.000Z' };
    writeFileSync(path, [...exportText(store, { ...options, from: 1, to: 12, ...range }, 100)].join(''));
    return path;
  }

  const verify = (path: string, key = publicKey): Promise<ExportVerification> =>
    verifyExport((options) => readExportFile(path, options), key);

  const editLines = (path: string, edit: (lines: string[]) => string[]) => {
    const lines = readFileSync(path, 'utf8').split('\n').slice(0, -1);
    writeFileSync(path, `${edit(lines).join('\n')}\n`);
  };

  it.each(['jsonl', 'csv'] as const)(
    'given the same log read page by page over the network (an async source), when exported as %s, then the bytes are those of the synchronous export',
    async (format) => {
      // given: the store's events as a networked store hands them over, one awaited step at a time
      const stored = [...store.readStored()];
      const networked = {
        async *readStored(from = 1) {
          for (const event of stored) if (event.globalPosition >= from) yield await Promise.resolve(event);
        },
      };
      const options = {
        workspaceId: 'acme',
        checkpoints,
        key,
        format,
        exportedAt: '2026-01-02T00:00:00.000Z',
      };
      for (const range of [
        { from: 1, to: 12 },
        { from: 5, to: 9 },
        { from: 13, to: 12 },
      ]) {
        // when
        const chunks: string[] = [];
        for await (const chunk of exportTextAsync(networked, { ...options, ...range }, 100))
          chunks.push(chunk);
        // then
        expect(chunks.join('')).toBe([...exportText(store, { ...options, ...range }, 100)].join(''));
      }
    },
  );

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

  it('given an export whose JSON was reformatted without changing a value, when verified, then the records hold but the seal does not', async () => {
    const path = exportTo('jsonl');
    editLines(path, (lines) =>
      lines.map((line) => line.replace('"data":{', '"data": {').replace('"allowed":true', '"allowed": true')),
    );

    expect(await verify(path)).toMatchObject({ ok: false, events: 5, firstBad: { problem: 'bad-seal' } });
  });

  it('given a range starting after 1, when verified, then it links to the anchor and checks the checkpoints in range', async () => {
    const result = await verify(exportTo('jsonl', { from: 5, to: 11 }));

    expect(result).toMatchObject({ ok: true, from: 5, to: 11, events: 3, checkpointsChecked: 2 });
  });

  it.each(['jsonl', 'csv'] as const)(
    'given a %s export verified with a key that did not sign it, then the first checkpoint names it',
    async (format) => {
      expect((await verify(exportTo(format), other.publicKey)).firstBad).toMatchObject({
        position: 6,
        problem: 'bad-checkpoint-signature',
      });
    },
  );

  it.each(['jsonl', 'csv'] as const)(
    'given a %s export, when read, then every event carries the recordedAt its range resolves through',
    async (format) => {
      const recorded = new Map(
        (await store.readAll()).map((event) => [event.globalPosition, event.recordedAt]),
      );
      const events = [];
      for await (const item of readExportFile(exportTo(format))) {
        if ('record' in item && item.record.kind === 'event') events.push(item.record);
      }

      expect(events.map((event) => [event.globalPosition, event.recordedAt])).toEqual(
        [1, 4, 5, 8, 11].map((position) => [position, recorded.get(position)]),
      );
    },
  );

  describe('a range asked for by instant', () => {
    const recordedAt = async (position: number) =>
      (await store.readAll({ fromPosition: position, limit: 1 }))[0].recordedAt;

    it('given the positions the instants resolve to, when verified, then the instants are checked and hold', async () => {
      const fromInstant = await recordedAt(4);
      const from =
        (await store.readAll()).find((event) => event.recordedAt >= fromInstant)?.globalPosition ?? 1;
      const toInstant = '2999-01-01T00:00:00.000Z';

      const result = await verify(exportTo('jsonl', { from, to: 12, fromInstant, toInstant }));

      expect(result).toMatchObject({ ok: true, from, to: 12 });
    });

    it('given a range that starts after the first event recorded at the instant, when verified, then it is a bad range', async () => {
      const fromInstant = '2000-01-01T00:00:00.000Z';

      const result = await verify(exportTo('csv', { from: 5, to: 12, fromInstant }));

      expect(result.firstBad).toMatchObject({ position: 4, problem: 'bad-range' });
    });

    it('given a range that ends before the last event recorded before the instant, when verified, then it is a bad range', async () => {
      const toInstant = '2999-01-01T00:00:00.000Z';

      const result = await verify(exportTo('jsonl', { from: 1, to: 10, toInstant }));

      expect(result.firstBad).toMatchObject({ position: 11, problem: 'bad-range' });
    });

    it('given events recorded outside the instants, when verified, then the first one is named', async () => {
      const toInstant = '2000-01-01T00:00:00.000Z';

      const result = await verify(exportTo('jsonl', { from: 1, to: 12, toInstant }));

      expect(result.firstBad).toMatchObject({ position: 1, problem: 'bad-range' });
    });
  });
});
