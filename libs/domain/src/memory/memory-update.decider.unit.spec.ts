import { deciderSpec } from '@mandate/testing';
import { DomainError } from '../shared';
import { type MemoryUpdateCommand, memoryUpdateDecider } from './memory-update.decider';
import { type MemoryUpdate, memoryUpdateStreamId, parseKeyDigest } from './memory-update.model';

const spec = deciderSpec(memoryUpdateDecider);
const digest = 'ab'.repeat(32);
const update: MemoryUpdate = {
  channelId: 'eng',
  namespace: 'channel:eng',
  keyDigest: digest,
  sizeBytes: 120,
  operation: 'write',
  invokedBy: 'bob',
};
const allowed = { allowed: true, reason: 'The channel writes its own namespace', rule: 'own-namespace' };
const refused = {
  allowed: false,
  reason: 'A private channel writes only its own namespace',
  rule: 'private-channel-writes-own',
};
const updateId = '0193a1b2-c3d4-5e5f-8a9b-0c1d2e3f4a5b';
const record = (overrides: Partial<MemoryUpdateCommand> = {}): MemoryUpdateCommand => ({
  type: 'RecordMemoryUpdate',
  updateId,
  idempotencyKey: 'run-1:mem-1',
  update,
  decision: allowed,
  actor: { kind: 'service', id: 'runtime' },
  now: '2026-11-30T12:00:00.000Z',
  ...overrides,
});
const data = (decision = allowed) => ({
  updateId,
  idempotencyKey: 'run-1:mem-1',
  request: update,
  decision,
  recordedBy: { kind: 'service' as const, id: 'runtime' },
});

describe('memory update decider', () => {
  it('given no record, when an allowed update is reported, then it is recorded with the reporter', () => {
    spec
      .given()
      .when(record())
      .then([{ type: 'MemoryUpdateRecorded', data: data() }]);
  });

  it('given no record, when a refused update is reported, then it is recorded as denied', () => {
    spec
      .given()
      .when(record({ decision: refused }))
      .then([{ type: 'MemoryUpdateDenied', data: data(refused) }]);
  });

  it('given a recorded update, when the same update comes again under its key, then nothing is written', () => {
    spec
      .given([{ type: 'MemoryUpdateRecorded', data: data() }])
      .when(record({ updateId: '0193a1b2-c3d4-5e5f-8a9b-000000000000' }))
      .thenNothing();
  });

  it('given a recorded update, when another update comes under its key, then it is a conflict naming the first', () => {
    const error = spec
      .given([{ type: 'MemoryUpdateDenied', data: data(refused) }])
      .when(record({ update: { ...update, sizeBytes: 121 } }))
      .thenRefuses({ code: 'idempotency-key-reused', kind: 'conflict', path: 'idempotencyKey' });
    expect(error.details).toEqual({ updateId });
    expect(error.message).toBe('This idempotency key was used for a different memory update');
    expect(error.issues).toEqual([{ path: 'idempotencyKey', message: 'already used for another update' }]);
  });

  it('refuses an update carrying anything beyond its fields (content never enters the log)', () => {
    const withContent = { ...update, content: 'the secret plan' } as MemoryUpdate;
    spec
      .given()
      .when(record({ update: withContent }))
      .thenRefuses({ code: 'invalid-memory-update' });
  });

  it('refuses a key digest that is not canonical hex, a bad key, a bad decision', () => {
    spec
      .given()
      .when(record({ update: { ...update, keyDigest: digest.toUpperCase() } }))
      .thenRefuses({ code: 'invalid-memory-update', path: 'keyDigest' });
    spec
      .given()
      .when(record({ idempotencyKey: 'a b' }))
      .thenRefuses({ code: 'invalid-idempotency-key' });
    const noRule = { allowed: true, reason: 'x' } as typeof allowed;
    spec
      .given()
      .when(record({ decision: noRule }))
      .thenRefuses({ code: 'invalid-decision' });
  });

  it('folds each record into its state', () => {
    expect(spec.given().when(record()).thenState()).toEqual({ status: 'recorded', ...data() });
    expect(
      spec
        .given()
        .when(record({ decision: refused }))
        .thenState(),
    ).toEqual({
      status: 'denied',
      ...data(refused),
    });
  });
});

describe('key digests and streams', () => {
  it('reads a SHA-256 hex digest in either case as its lower-case form', () => {
    expect(parseKeyDigest(digest.toUpperCase())).toBe(digest);
    expect(parseKeyDigest(digest)).toBe(digest);
  });

  it.each([
    ['a raw key', 'customer-42/preferences'],
    ['a short digest', 'ab'.repeat(31)],
    ['a long digest', `${digest}0`],
    ['a prefixed digest', `sha256:${digest}`],
    ['a digest with a newline', `${digest}\n`],
    ['a non-hex character', `${'ab'.repeat(31)}ag`],
    ['nothing', ''],
  ])('refuses %s as malformed-key-digest, naming keyDigest', (_what, text) => {
    let refusal: unknown;
    try {
      parseKeyDigest(text);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({
      code: 'malformed-key-digest',
      kind: 'validation',
      message: 'keyDigest must be a SHA-256 digest in hex',
    });
    expect((refusal as DomainError).issues).toEqual([{ path: 'keyDigest', message: 'not 64 hex digits' }]);
  });

  it('names one short stream per (workspace, key)', () => {
    expect(memoryUpdateStreamId('acme', 'run-1:mem-1')).toBe('memory-update-acme.run-1:mem-1');
  });
});
