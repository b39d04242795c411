import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { exportTextAsync, readExportFile, verifyExport } from '@mandate/audit';
import { keyIdOf, signCheckpoint, verifyEventLog } from '@mandate/event-store';
import { createTempDir, type TempDir } from '@mandate/testing';
import { EventStoreDbEventStore } from '../../libs/event-store/src/eventstoredb/eventstoredb-event-store.adapter';
import { FakeEventStoreDbServer } from '../../libs/event-store/src/eventstoredb/fake-eventstoredb-client';
import { note, testEventRegistry } from '../../libs/event-store/test/test-events';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const key = { privateKey, keyId: keyIdOf(privateKey) };

/**
 * Audit on EventStoreDB: the chain is verified from the aggregate streams and the chain stream
 * against signed checkpoints, and a workspace export is written from them (each event's
 * `recordedAt` is the time the server stamped on it) and verifies offline.
 */
describe('Audit on the EventStoreDB store (fake server)', () => {
  let dir: TempDir;
  let store: EventStoreDbEventStore;

  beforeEach(async () => {
    dir = createTempDir('mandate-esdb-audit-');
    store = new EventStoreDbEventStore({
      client: new FakeEventStoreDbServer().client(),
      schemas: testEventRegistry(),
    });
    // acme at 1, 3, 4, 6; globex between them.
    for (const [streamId, workspaceId] of [
      ['acme-a', 'acme'],
      ['globex-a', 'globex'],
      ['acme-b', 'acme'],
      ['acme-a', 'acme'],
      ['globex-b', 'globex'],
      ['acme-b', 'acme'],
    ]) {
      await store.append(streamId, [note(`${workspaceId} note`, { workspaceId })], {
        expectedRevision: 'any',
      });
    }
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  const checkpointAt = async (position: number) => {
    const [event] = await store.readAll({ fromPosition: position, limit: 1 });
    return signCheckpoint(
      { position, headHash: event.hash, signedAt: '2026-01-01T00:00:00.000Z' },
      privateKey,
    );
  };

  it('given signed checkpoints, when the log is verified, then every position and checkpoint checks out', async () => {
    const checkpoints = [await checkpointAt(3), await checkpointAt(6)];

    const result = await verifyEventLog(store, { checkpoints, publicKey });

    expect(result).toMatchObject({ ok: true, checked: 6, verifiedThrough: 6, checkpointsChecked: 2 });
  });

  it.each(['jsonl', 'csv'] as const)(
    'given a workspace, when exported as %s from the store, then the export verifies offline with the other workspace redacted',
    async (format) => {
      const checkpoints = [await checkpointAt(3), await checkpointAt(6)];
      const path = dir.file(`acme.${format}`);
      const options = {
        workspaceId: 'acme',
        checkpoints,
        key,
        format,
        exportedAt: '2026-01-02T00:00:00.000Z',
      };

      const chunks: string[] = [];
      for await (const chunk of exportTextAsync(store, { ...options, from: 1, to: 6 })) chunks.push(chunk);
      writeFileSync(path, chunks.join(''));

      expect(await verifyExport((open) => readExportFile(path, open), publicKey)).toMatchObject({
        ok: true,
        workspaceId: 'acme',
        events: 4,
        redactedPositions: 2,
        verifiedThrough: 6,
        checkpointsChecked: 2,
        sealVerified: true,
      });
    },
  );
});
