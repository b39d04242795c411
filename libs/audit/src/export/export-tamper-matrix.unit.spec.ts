import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  canonicalJson,
  computeEventHashOfDataJson,
  keyIdOf,
  signCheckpoint,
  type SignedCheckpoint,
  type SqliteEventStore,
} from '@mandate/event-store';
import { createTempDir, type TempDir } from '@mandate/testing';
import {
  agentActionAuthorized,
  appendAll,
  channelCreated,
  openMemoryStore,
  workspaceCreated,
} from '../../test/audit-events';
import { toJsonLine, type ExportFormat } from './export-codec';
import { CSV_HEADER_LINE, toCsvLine } from './export-csv';
import { readExportFile } from './export-file-reader';
import type { ExportEvent, ExportRecord } from './export-records';
import { verifyExport, type ExportVerification } from './export-verifier';
import { exportText } from './export-text';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const key = { privateKey, keyId: keyIdOf(privateKey) };
const attacker = generateKeyPairSync('ed25519');

/**
 * Every way of editing an export file must be caught, in both formats: the file is one grammar
 * (header, records, checkpoints, seal, nothing else) and the seal covers every line before it.
 */
describe.each(['jsonl', 'csv'] as const)('the tamper matrix of a %s export', (format: ExportFormat) => {
  let store: SqliteEventStore;
  let dir: TempDir;
  let checkpoints: SignedCheckpoint[];
  let hashes: Map<number, string>;

  beforeAll(async () => {
    store = openMemoryStore();
    // acme at 1, 4, 5, 8, 11; globex and initech around them; checkpoints at 6, 10 and 12.
    await appendAll(store, [
      workspaceCreated('acme'),
      workspaceCreated('globex'),
      workspaceCreated('initech'),
      channelCreated('acme', 'eng'),
      agentActionAuthorized({
        workspaceId: 'acme',
        channelId: 'eng',
        resource: 'acme/a\u2028b\rc "q", d\ne',
      }),
      channelCreated('globex', 'x'),
      channelCreated('globex', 'y'),
      agentActionAuthorized({ workspaceId: 'acme', channelId: 'eng' }),
      channelCreated('initech', 'z'),
      channelCreated('globex', 'w'),
      agentActionAuthorized({ workspaceId: 'acme', channelId: 'eng' }),
      channelCreated('globex', 'v'),
    ]);
    hashes = new Map((await store.readAll()).map((event) => [event.globalPosition, event.hash]));
    checkpoints = [6, 10, 12].map((position) =>
      signCheckpoint(
        { position, headHash: hashes.get(position) as string, signedAt: '2026-01-01T00:00:00.000Z' },
        privateKey,
      ),
    );
  });
  afterAll(() => store.close());
  beforeEach(() => {
    dir = createTempDir('mandate-export-matrix-');
  });
  afterEach(() => dir.remove());

  function exportFile(range: { from: number; to: number } = { from: 1, to: 12 }): string {
    const path = dir.file(`acme.${format}`);
    const options = { workspaceId: 'acme', ...range, checkpoints, key, format };
    writeFileSync(
      path,
      [...exportText(store, { ...options, exportedAt: '2026-01-02T00:00:00.000Z' }, 100)].join(''),
    );
    return path;
  }

  const verify = (path: string): Promise<ExportVerification> =>
    verifyExport((options) => readExportFile(path, options), publicKey);

  /** The records of an untouched export, as the reader sees them. */
  async function recordsOf(path: string): Promise<ExportRecord[]> {
    const records: ExportRecord[] = [];
    for await (const item of readExportFile(path)) if ('record' in item) records.push(item.record);
    return records;
  }

  const serialize = (records: ExportRecord[]): string => {
    const line = format === 'csv' ? toCsvLine : toJsonLine;
    return `${format === 'csv' ? `${CSV_HEADER_LINE}\n` : ''}${records.map((record) => `${line(record)}\n`).join('')}`;
  };

  const indexOf = (records: ExportRecord[], test: (record: ExportRecord) => boolean): number =>
    records.findIndex(test);
  const eventAt = (records: ExportRecord[], position: number) =>
    indexOf(records, (record) => record.kind === 'event' && record.globalPosition === position);
  const firstOf = (records: ExportRecord[], kind: ExportRecord['kind']) =>
    indexOf(records, (record) => record.kind === kind);
  const insertAt = (records: ExportRecord[], index: number, ...added: ExportRecord[]) => [
    ...records.slice(0, index),
    ...added,
    ...records.slice(index),
  ];

  /** Edits the records, writes them back with the original seal, and verifies the file. */
  async function tamperRecords(
    edit: (records: ExportRecord[]) => ExportRecord[],
    range?: { from: number; to: number },
  ): Promise<ExportVerification> {
    const path = exportFile(range);
    writeFileSync(path, serialize(edit(await recordsOf(path))));
    return verify(path);
  }

  /** Edits the file's text lines (LF-split) and verifies it. */
  async function tamperLines(edit: (lines: string[]) => string[]): Promise<ExportVerification> {
    const path = exportFile();
    const lines = readFileSync(path, 'utf8').split('\n').slice(0, -1);
    writeFileSync(path, `${edit(lines).join('\n')}\n`);
    return verify(path);
  }

  const lineOfEvent = (lines: string[], position: number) =>
    lines.findIndex((line) =>
      format === 'csv'
        ? line.startsWith(`event,${position},`)
        : line.includes(`"globalPosition":${position},`),
    );
  const firstLineOf = (lines: string[], kind: string) =>
    lines.findIndex((line) => line.startsWith(format === 'csv' ? `${kind},` : `{"kind":"${kind}"`));

  /** A copy of acme's event 8 claiming to be another tenant's, with any data. */
  const forged = (records: ExportRecord[], position: number): ExportEvent => ({
    ...(records[eventAt(records, 8)] as ExportEvent),
    globalPosition: position,
    workspaceId: 'globex',
    dataJson: '{"forged":true}',
  });

  it('given an untouched export whose events contain U+2028, CR and LF, when verified, then it is intact', async () => {
    expect(await verify(exportFile())).toMatchObject({ ok: true, events: 5, sealVerified: true });
  });

  it('modify: an event changed in place is named at its position', async () => {
    const result = await tamperLines((lines) =>
      lines.map((line, index) =>
        index === lineOfEvent(lines, 8) ? line.replace('"write"', '"admin"') : line,
      ),
    );
    expect(result.firstBad).toMatchObject({ position: 8, problem: 'modified' });
  });

  it('recompute: an event changed with its hash and the next link recomputed breaks the seal', async () => {
    const result = await tamperRecords((records) => {
      const index = eventAt(records, 8);
      const event = records[index] as ExportEvent;
      const dataJson = canonicalJson({ ...(JSON.parse(event.dataJson) as object), forged: true });
      const { kind: _kind, hash: _hash, dataJson: _data, recordedAt: _at, ...envelope } = event;
      const hash = computeEventHashOfDataJson(envelope, dataJson);
      const next = records[index + 1];
      return records.map((record, at) =>
        at === index
          ? { ...event, dataJson, hash }
          : at === index + 1 && next.kind === 'redacted'
            ? { ...next, prevHash: hash }
            : record,
      );
    });
    expect(result).toMatchObject({ ok: false, firstBad: { problem: 'bad-seal' } });
  });

  it('delete: a missing record is named at the first missing position', async () => {
    const result = await tamperLines((lines) => lines.filter((_, index) => index !== lineOfEvent(lines, 5)));
    expect(result.firstBad).toMatchObject({ position: 5, problem: 'deleted' });
  });

  it('swap: two records exchanged are named as reordered', async () => {
    const result = await tamperLines((lines) => {
      const [a, b] = [lineOfEvent(lines, 4), lineOfEvent(lines, 5)];
      const copy = [...lines];
      [copy[a], copy[b]] = [copy[b], copy[a]];
      return copy;
    });
    expect(result.firstBad).toMatchObject({ position: 4, problem: 'reordered' });
  });

  it('truncate: a file cut between records, inside a record or before the seal is truncated', async () => {
    expect((await tamperLines((lines) => lines.slice(0, lineOfEvent(lines, 8)))).firstBad).toMatchObject({
      position: 8,
      problem: 'truncated',
    });
    expect((await tamperLines((lines) => lines.slice(0, -1))).firstBad).toMatchObject({
      position: 13,
      problem: 'truncated',
    });
    const path = exportFile();
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.slice(0, text.length - 10));
    expect((await verify(path)).firstBad).toMatchObject({ problem: 'truncated' });
  });

  it('insert: a forged event of another tenant between the records is refused', async () => {
    const result = await tamperRecords((records) =>
      insertAt(records, eventAt(records, 8) + 1, forged(records, 9)),
    );
    expect(result.ok).toBe(false);
    expect(result.firstBad?.position).toBe(9);
  });

  it.each([
    ['a forged event', (records: ExportRecord[]): ExportRecord => forged(records, 13)],
    ['a copy of an event', (records: ExportRecord[]): ExportRecord => records[eventAt(records, 8)]],
    [
      'a redacted record',
      (): ExportRecord => ({
        kind: 'redacted',
        from: 13,
        to: 13,
        prevHash: '0'.repeat(64),
        hash: '1'.repeat(64),
      }),
    ],
    ['a second header', (records: ExportRecord[]): ExportRecord => records[0]],
  ])('insert after the checkpoints: %s before the seal is refused', async (_, added) => {
    const result = await tamperRecords((records) =>
      insertAt(records, firstOf(records, 'seal'), added(records)),
    );
    expect(result).toMatchObject({ ok: false, firstBad: { problem: 'inserted' } });
  });

  it('insert between the records and the checkpoints: a forged event is refused', async () => {
    const result = await tamperRecords((records) =>
      insertAt(records, firstOf(records, 'checkpoint'), forged(records, 13)),
    );
    expect(result).toMatchObject({ ok: false, firstBad: { problem: 'inserted' } });
  });

  it('insert: a line of an unknown kind, or an empty line, anywhere is refused', async () => {
    const unknown = format === 'csv' ? `note${','.repeat(22)}` : '{"kind":"note","text":"hello"}';
    for (const at of ['checkpoint', 'seal', 'redacted']) {
      const result = await tamperLines((lines) => {
        const index = firstLineOf(lines, at);
        return [...lines.slice(0, index), unknown, ...lines.slice(index)];
      });
      expect(result.ok).toBe(false);
    }
    const empty = await tamperLines((lines) => {
      const index = lineOfEvent(lines, 8);
      return [...lines.slice(0, index), '', ...lines.slice(index)];
    });
    expect(empty).toMatchObject({ ok: false, firstBad: { position: 8, problem: 'modified' } });
  });

  it('insert after the seal: anything following the seal is refused', async () => {
    const result = await tamperRecords((records) => [...records, records[eventAt(records, 8)]]);
    expect(result.ok).toBe(false);
  });

  it('drop a checkpoint: the seal no longer matches', async () => {
    const result = await tamperRecords((records) =>
      records.filter((record) => !(record.kind === 'checkpoint' && record.position === 10)),
    );
    expect(result).toMatchObject({ ok: false, firstBad: { problem: 'bad-seal' } });
  });

  it('duplicate a checkpoint: a second record for a checkpointed position is refused', async () => {
    const result = await tamperRecords((records) => {
      const index = firstOf(records, 'checkpoint');
      return insertAt(records, index + 1, records[index]);
    });
    expect(result).toMatchObject({ ok: false, firstBad: { position: 6, problem: 'inserted' } });
  });

  it('a checkpoint outside the exported range is refused', async () => {
    const outside = { kind: 'checkpoint' as const, ...checkpoints[2] };
    const result = await tamperRecords((records) => insertAt(records, firstOf(records, 'seal'), outside), {
      from: 5,
      to: 11,
    });
    expect(result).toMatchObject({ ok: false, firstBad: { position: 12, problem: 'inserted' } });
  });

  it('duplicate keys: a data member given twice (a first-key reader sees a forgery) is refused', async () => {
    const result = await tamperLines((lines) =>
      lines.map((line, index) =>
        index !== lineOfEvent(lines, 8)
          ? line
          : format === 'csv'
            ? line.replace('"{', '"{""actionId"":""forged"",')
            : line.replace('"data":{', '"data":{"actionId":"forged",'),
      ),
    );
    expect(result).toMatchObject({ ok: false, firstBad: { position: 8, problem: 'modified' } });
  });

  it('duplicate keys: an envelope member given twice is refused', async () => {
    if (format === 'csv') {
      const result = await tamperLines((lines) =>
        lines.map((line, index) => (index === lineOfEvent(lines, 8) ? `${line},globex` : line)),
      );
      expect(result).toMatchObject({ ok: false, firstBad: { position: 8, problem: 'modified' } });
      return;
    }
    const result = await tamperLines((lines) =>
      lines.map((line, index) =>
        index === lineOfEvent(lines, 8)
          ? line.replace('{"kind":"event",', '{"kind":"event","workspaceId":"globex",')
          : line,
      ),
    );
    expect(result).toMatchObject({ ok: false, firstBad: { position: 8, problem: 'modified' } });
  });

  it('forged seal: a seal signed by another key, or with another digest, is refused', async () => {
    const resigned = await tamperRecords((records) =>
      records.map((record) =>
        record.kind === 'seal'
          ? {
              ...record,
              signature: sign(null, Buffer.from('anything'), attacker.privateKey).toString('base64'),
            }
          : record,
      ),
    );
    expect(resigned).toMatchObject({ ok: false, firstBad: { problem: 'bad-seal' } });
    const digest = await tamperRecords((records) =>
      records.map((record) => (record.kind === 'seal' ? { ...record, digest: '0'.repeat(64) } : record)),
    );
    expect(digest).toMatchObject({ ok: false, firstBad: { problem: 'bad-seal' } });
  });

  it('an event turned into a redacted run with correct hashes breaks the seal', async () => {
    const result = await tamperRecords((records) =>
      records.map((record) =>
        record.kind === 'event' && record.globalPosition === 11
          ? { kind: 'redacted', from: 11, to: 11, prevHash: record.prevHash, hash: record.hash }
          : record,
      ),
    );
    expect(result).toMatchObject({ ok: false, firstBad: { problem: 'bad-seal' } });
  });

  it('a modified anchor is named at from - 1, the position the anchor stands for', async () => {
    const result = await tamperRecords(
      (records) =>
        records.map((record) =>
          record.kind === 'export' ? { ...record, anchorHash: '1'.repeat(64) } : record,
        ),
      { from: 5, to: 11 },
    );
    expect(result.firstBad).toMatchObject({ position: 4, problem: 'modified' });
  });
});
