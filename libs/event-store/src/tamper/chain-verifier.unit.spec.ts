import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { canonicalJson, computeEventHash, GENESIS_HASH } from './canonical-encoding';
import { verifyChain, type StoredEvent } from './chain-verifier';
import { signCheckpoint, type SignedCheckpoint } from './signed-checkpoint';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');

/** A valid chain of `count` events at positions 1..count, as a store would hold them. */
function buildChain(count: number, from = 1, prevHash = GENESIS_HASH): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (let position = from; position < from + count; position++) {
    events.push(storedEvent(position, prevHash, { seq: position, note: `event ${position}` }));
    prevHash = events[events.length - 1].hash;
  }
  return events;
}

function storedEvent(position: number, prevHash: string, data: unknown): StoredEvent {
  const envelope = {
    id: `01936f4e-8a00-7000-8000-${String(position).padStart(12, '0')}`,
    type: 'AgentActionRecorded',
    streamId: `agent-actions-${position % 3}`,
    streamVersion: Math.floor(position / 3),
    globalPosition: position,
    occurredAt: '2026-01-02T03:04:05.678Z',
    workspaceId: 'acme',
    actor: { kind: 'agent' as const, id: 'mandate-agent' },
    metadata: { correlationId: `c-${position}`, causationId: null, schemaVersion: 1 },
    prevHash,
  };
  return { ...envelope, dataJson: canonicalJson(data), hash: computeEventHash({ ...envelope, data }) };
}

/** Slots keep their positions; the contents move (what a row swap in the events table does). */
const atSlot = (event: StoredEvent, slot: number): StoredEvent => ({ ...event, globalPosition: slot });
const renumber = (events: StoredEvent[], firstSlot: number) => events.map((e, i) => atSlot(e, firstSlot + i));

function rehash(event: StoredEvent): StoredEvent {
  return { ...event, hash: computeEventHash({ ...event, data: JSON.parse(event.dataJson) }) };
}

const checkpointAt = (chain: StoredEvent[], position: number): SignedCheckpoint =>
  signCheckpoint(
    { position, headHash: chain[position - 1].hash, signedAt: '2026-01-02T04:00:00.000Z' },
    privateKey,
  );

describe('verifyChain', () => {
  it('given an intact chain with checkpoints, when verified, then it is ok with counts', () => {
    const chain = buildChain(20);
    const checkpoints = [checkpointAt(chain, 10), checkpointAt(chain, 20)];

    const result = verifyChain(chain, { checkpoints, publicKey });

    expect(result).toMatchObject({ ok: true, checked: 20, verifiedThrough: 20, checkpointsChecked: 2 });
    expect(result.lastCheckpoint?.position).toBe(20);
    expect(result.firstBad).toBeUndefined();
  });

  it('given an empty log, when verified, then it is ok with nothing checked', () => {
    expect(verifyChain([])).toMatchObject({ ok: true, checked: 0, verifiedThrough: 0 });
  });

  it('given a range starting after 1, when verified with its anchor, then only the range is checked', () => {
    const chain = buildChain(20);

    const result = verifyChain(chain.slice(9), { from: 10, anchorHash: chain[8].hash });

    expect(result).toMatchObject({ ok: true, from: 10, checked: 11, verifiedThrough: 20 });
  });

  it('given a range ending before the head, when verified, then it stops at the range end', () => {
    const chain = buildChain(20);

    expect(verifyChain(chain, { to: 5 })).toMatchObject({ ok: true, checked: 5, verifiedThrough: 5 });
  });

  it('given one byte of data changed at 7, when verified, then 7 is named as modified', () => {
    const chain = buildChain(12);
    chain[6] = { ...chain[6], dataJson: chain[6].dataJson.replace('event 7', 'event 8') };

    expect(verifyChain(chain).firstBad).toMatchObject({ position: 7, problem: 'modified' });
  });

  it('given event 7 rewritten together with its hash, when verified, then 7 is named as modified', () => {
    const chain = buildChain(12);
    chain[6] = rehash({ ...chain[6], dataJson: '{"forged":true}' });

    const result = verifyChain(chain);

    expect(result.firstBad).toMatchObject({ position: 7, problem: 'modified' });
    expect(result.checked).toBe(7);
  });

  it('given the last event rewritten with its hash, when verified against a checkpoint, then the mismatch is named', () => {
    const chain = buildChain(12);
    const checkpoints = [checkpointAt(chain, 12)];
    chain[11] = rehash({ ...chain[11], dataJson: '{"forged":true}' });

    expect(verifyChain(chain, { checkpoints, publicKey }).firstBad).toMatchObject({
      position: 12,
      problem: 'checkpoint-mismatch',
    });
  });

  it('given event 5 deleted, when verified, then 5 is named as deleted', () => {
    const chain = buildChain(12);

    expect(verifyChain([...chain.slice(0, 4), ...chain.slice(5)]).firstBad).toMatchObject({
      position: 5,
      problem: 'deleted',
    });
  });

  it('given events 5..6 deleted and the rest renumbered, when verified, then 5 is named as deleted', () => {
    const chain = buildChain(12);
    const tampered = [...chain.slice(0, 4), ...renumber(chain.slice(6), 5)];

    expect(verifyChain(tampered).firstBad).toMatchObject({ position: 5, problem: 'deleted' });
  });

  it.each([
    [5, 6],
    [5, 9],
  ])('given the events of slots %i and %i swapped, when verified, then %i is named as reordered', (a, b) => {
    const chain = buildChain(12);
    const [first, second] = [chain[a - 1], chain[b - 1]];
    chain[a - 1] = atSlot(second, a);
    chain[b - 1] = atSlot(first, b);

    expect(verifyChain(chain).firstBad).toMatchObject({ position: a, problem: 'reordered' });
  });

  it('given a well-formed event inserted at 5 and the rest renumbered, when verified, then 5 is named as inserted', () => {
    const chain = buildChain(12);
    const forged = storedEvent(5, chain[3].hash, { forged: true });
    const tampered = [...chain.slice(0, 4), forged, ...renumber(chain.slice(4), 6)];

    const result = verifyChain(tampered);

    expect(result.firstBad).toMatchObject({ position: 5, problem: 'inserted' });
  });

  it('given a junk event inserted at 5 and the rest renumbered, when verified, then 5 is named as inserted', () => {
    const chain = buildChain(12);
    const junk = { ...storedEvent(5, 'f'.repeat(64), { junk: true }), hash: 'e'.repeat(64) };
    const tampered = [...chain.slice(0, 4), junk, ...renumber(chain.slice(4), 6)];

    expect(verifyChain(tampered).firstBad).toMatchObject({ position: 5, problem: 'inserted' });
  });

  it('given a copy of event 3 inserted at 5, when verified, then 5 is named as inserted', () => {
    const chain = buildChain(12);
    const tampered = [...chain.slice(0, 4), atSlot(chain[2], 5), ...renumber(chain.slice(4), 6)];

    expect(verifyChain(tampered).firstBad).toMatchObject({ position: 5, problem: 'inserted' });
  });

  it('given an event linked to the wrong predecessor, when verified, then its position is named as inserted', () => {
    const chain = buildChain(12);
    const unlinked = storedEvent(5, 'a'.repeat(64), { forged: true });
    const tampered = [...chain.slice(0, 4), unlinked, ...renumber(chain.slice(4), 6)];

    expect(verifyChain(tampered).firstBad).toMatchObject({ position: 5, problem: 'inserted' });
  });

  it('given a first event that does not start from genesis, when verified, then 1 is named', () => {
    const chain = buildChain(3, 1, 'b'.repeat(64));

    expect(verifyChain(chain).firstBad).toMatchObject({ position: 1, problem: 'modified' });
  });

  it('given the tail cut after 6 and a checkpoint at 10, when verified, then 7 is named as truncated', () => {
    const chain = buildChain(12);
    const checkpoints = [checkpointAt(chain, 4), checkpointAt(chain, 10)];

    const result = verifyChain(chain.slice(0, 6), { checkpoints, publicKey });

    expect(result.firstBad).toMatchObject({ position: 7, problem: 'truncated' });
    expect(result.lastCheckpoint?.position).toBe(4);
    expect(result.checked).toBe(6);
  });

  it('given the tail cut and regrown with valid events, when verified, then the checkpoint mismatch is named', () => {
    const chain = buildChain(12);
    const checkpoints = [checkpointAt(chain, 10)];
    const regrown = [...chain.slice(0, 6), ...buildChain(6, 7, chain[5].hash).map((e) => rehash(e))];
    regrown[6] = rehash({ ...regrown[6], dataJson: '{"regrown":true}' });
    for (let i = 7; i < regrown.length; i++)
      regrown[i] = rehash({ ...regrown[i], prevHash: regrown[i - 1].hash });

    expect(verifyChain(regrown, { checkpoints, publicKey }).firstBad).toMatchObject({
      position: 10,
      problem: 'checkpoint-mismatch',
    });
  });

  it('given a checkpoint with a forged signature, when verified, then the checkpoint is named', () => {
    const chain = buildChain(12);
    const forged = { ...checkpointAt(chain, 8), signature: checkpointAt(chain, 9).signature };

    expect(verifyChain(chain, { checkpoints: [forged], publicKey }).firstBad).toMatchObject({
      position: 8,
      problem: 'bad-checkpoint-signature',
    });
  });

  it('given a checkpoint signed by another key, when verified, then its signature is refused', () => {
    const chain = buildChain(12);
    const other = generateKeyPairSync('ed25519').privateKey;
    const checkpoint = signCheckpoint({ position: 12, headHash: chain[11].hash, signedAt: 'x' }, other);

    expect(verifyChain(chain, { checkpoints: [checkpoint], publicKey }).firstBad?.problem).toBe(
      'bad-checkpoint-signature',
    );
  });

  it('given data stored as non-canonical but equivalent JSON, when verified, then it is intact', () => {
    const chain = buildChain(5);
    chain[2] = { ...chain[2], dataJson: JSON.stringify({ note: 'event 3', seq: 3 }, null, 2) };

    expect(verifyChain(chain).ok).toBe(true);
  });

  it('given any single tampering of a random chain, when verified, then the exact position and kind are named', () => {
    const tampering = fc.record({
      length: fc.integer({ min: 3, max: 40 }),
      at: fc.nat(),
      kind: fc.constantFrom('modified', 'deleted', 'reordered'),
    });
    fc.assert(
      fc.property(tampering, ({ length, at, kind }) => {
        const chain = buildChain(length);
        const index = at % (length - 1);
        if (kind === 'modified') chain[index] = { ...chain[index], occurredAt: '2026-01-02T03:04:05.679Z' };
        if (kind === 'deleted') chain.splice(index, 1);
        if (kind === 'reordered') {
          const [a, b] = [chain[index], chain[index + 1]];
          chain[index] = atSlot(b, index + 1);
          chain[index + 1] = atSlot(a, index + 2);
        }

        expect(verifyChain(chain).firstBad).toMatchObject({ position: index + 1, problem: kind });
      }),
    );
  });
});
