import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '../event-store.port';
import { SqliteEventStore } from '../sqlite/sqlite-event-store.adapter';
import { notes, testEventRegistry } from '../../test/test-events';
import { loadCheckpointSigningKey, exportPublicKeyPem } from './checkpoint-signing-key';
import { Checkpointer } from './checkpointer';
import { isCheckpointSignatureValid } from './signed-checkpoint';
import { SignedCheckpointStore, signedCheckpointsPathFor } from './signed-checkpoint-store';
import { verifyEventLog } from './verify-event-log';

describe('checkpoint signing key', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mandate-key-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('given no key outside production, when loaded, then one is generated, private to its owner, with a warning', () => {
    const warnings: string[] = [];

    const key = loadCheckpointSigningKey({ dataDir: dir, production: false, warn: (m) => warnings.push(m) });

    expect(existsSync(key.path)).toBe(true);
    expect(statSync(key.path).mode & 0o777).toBe(0o600);
    expect(warnings).toEqual([expect.stringContaining('Generated a development checkpoint signing key')]);
    expect(loadCheckpointSigningKey({ dataDir: dir, production: false }).keyId).toBe(key.keyId);
    expect(exportPublicKeyPem(key.privateKey)).toContain('BEGIN PUBLIC KEY');
  });

  it('given no key in production, when loaded, then it fails naming the path', () => {
    expect(() => loadCheckpointSigningKey({ dataDir: dir, production: true })).toThrow(
      /checkpoint-signing-key\.pem/,
    );
  });

  it('given a key of another algorithm, when loaded, then it is refused', () => {
    const path = join(dir, 'rsa.pem');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }));

    expect(() => loadCheckpointSigningKey({ path, dataDir: dir, production: false })).toThrow(
      /expected ed25519/,
    );
  });
});

describe('Checkpointer', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const key = { privateKey, publicKey, keyId: '', path: '' };
  const clock = () => new Date('2026-01-02T04:00:00.000Z');

  it('given a log of 25 events and N = 10, when it runs, then 10 and 20 are signed and the log verifies against them', async () => {
    const store = new SqliteEventStore({ path: ':memory:', schemas: testEventRegistry() });
    await store.append('notes', notes(25), { expectedRevision: 'no_stream' });
    const checkpoints = SignedCheckpointStore.open(':memory:');
    const controller = new AbortController();
    const running = new Checkpointer({ checkpoints, key, every: 10, clock }).run(store, controller.signal);
    while (checkpoints.last()?.position !== 20) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    await running;

    const signed = checkpoints.list();

    expect(signed.map((checkpoint) => checkpoint.position)).toEqual([10, 20]);
    expect(signed.every((checkpoint) => isCheckpointSignatureValid(checkpoint, publicKey))).toBe(true);
    expect(await verifyEventLog(store, { checkpoints: signed, publicKey })).toMatchObject({
      ok: true,
      checked: 25,
      checkpointsChecked: 2,
    });
    await store.close();
  });

  it('given a log, when a checkpoint is taken on demand, then the head is signed', async () => {
    const store = new SqliteEventStore({ path: ':memory:', schemas: testEventRegistry() });
    await store.append('notes', notes(7), { expectedRevision: 'no_stream' });
    const [head] = await store.readAll({ fromPosition: 7 });

    const checkpoint = await new Checkpointer({
      checkpoints: SignedCheckpointStore.open(':memory:'),
      key,
      every: 10,
      clock,
    }).checkpointHead(store);

    expect(checkpoint).toMatchObject({
      position: 7,
      headHash: head.hash,
      signedAt: '2026-01-02T04:00:00.000Z',
    });
    await store.close();
  });

  it('given a subscription whose events stop linking, when it runs, then it stops signing and says why', async () => {
    const event = (position: number, prevHash: string, hash: string) =>
      ({ globalPosition: position, prevHash, hash }) as RecordedEvent;
    const broken = {
      async *subscribe() {
        yield event(1, '0'.repeat(64), 'a');
        yield event(2, 'x', 'b');
      },
    };
    const checkpoints = SignedCheckpointStore.open(':memory:');
    const errors: string[] = [];

    await new Checkpointer({ checkpoints, key, every: 1, onError: (m) => errors.push(m) }).run(
      broken,
      new AbortController().signal,
    );

    expect(checkpoints.list().map((checkpoint) => checkpoint.position)).toEqual([1]);
    expect(errors).toEqual([expect.stringContaining('event 2 does not link')]);
  });

  it('given an events file, when its checkpoints path is derived, then it sits next to it', () => {
    expect(signedCheckpointsPathFor('/data/events.sqlite')).toBe('/data/events.checkpoints.sqlite');
    expect(signedCheckpointsPathFor('/data/log')).toBe('/data/log.checkpoints.sqlite');
  });
});
