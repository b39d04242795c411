import { createHash, hash as oneShotHash } from 'node:crypto';
import type { RecordedEvent } from '../event-store.port';

/** The chain's first `prevHash`: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields a hash covers: the whole envelope except `hash` itself and `recordedAt`. */
export type HashedEnvelope = Omit<RecordedEvent, 'hash' | 'recordedAt'>;

/**
 * Canonical JSON (RFC 8785, JCS, for the values an event can hold): object keys sorted by UTF-16
 * code units at every depth, no whitespace, strings and numbers exactly as `JSON.stringify` writes
 * them. Members whose value is `undefined`, a function or a symbol are left out and `toJSON` is
 * honoured, as `JSON.stringify` does, so `canonicalJson(x) === canonicalJson(JSON.parse(JSON.stringify(x)))`:
 * the hash computed over a value at append equals the one computed over what the store wrote.
 * Non-finite numbers and bigints are refused instead of silently becoming `null`.
 */
export function canonicalJson(value: unknown): string {
  const encoded = encode(value, '');
  if (encoded === undefined) throw new TypeError(`${typeof value} has no canonical JSON encoding`);
  return encoded;
}

/**
 * The exact bytes an event's hash covers (UTF-8 of canonical JSON of the envelope). The envelope's
 * own keys are fixed, so they are written in their sorted order directly; only `actor`, `data` and
 * `metadata` go through the generic canonicalisation. Specified byte for byte in docs/audit.md.
 */
export function canonicalEncode(event: HashedEnvelope): Buffer {
  return Buffer.from(canonicalEnvelope(event), 'utf8');
}

export function computeEventHash(event: HashedEnvelope): string {
  return sha256Hex(canonicalEnvelope(event));
}

/** SHA-256 of the UTF-8 encoding of `text`, lowercase hex. */
export const sha256Hex: (text: string) => string =
  typeof oneShotHash === 'function'
    ? (text) => oneShotHash('sha256', text, 'hex')
    : (text) => createHash('sha256').update(text, 'utf8').digest('hex');

export function canonicalEnvelope(event: HashedEnvelope): string {
  const data = encode(event.data, 'data');
  // An absent member is left out, like any other undefined member; the generic path handles that.
  if (data === undefined) return canonicalJson(pick(event));
  return canonicalEnvelopeWithData(event, data);
}

/**
 * The hash of an event whose `data` is already held as canonical JSON text (as the SQLite log
 * stores it): no parse and re-encode. Splicing the text is sound because every other member is
 * encoded here, so the bytes equal the original encoding only if the text equals the original data.
 */
export function computeEventHashOfDataJson(event: Omit<HashedEnvelope, 'data'>, dataJson: string): string {
  return sha256Hex(canonicalEnvelopeWithData(event, dataJson));
}

function canonicalEnvelopeWithData(event: Omit<HashedEnvelope, 'data'>, data: string): string {
  const actor = encodeActor(event.actor);
  const metadata = encodeMetadata(event.metadata);
  if (actor === undefined || metadata === undefined) {
    return canonicalJson(pick({ ...event, data: JSON.parse(data) as unknown }));
  }
  return (
    `{"actor":${actor},"data":${data},"globalPosition":${integer(event.globalPosition, 'globalPosition')}` +
    `,"id":${text(event.id, 'id')},"metadata":${metadata},"occurredAt":${text(event.occurredAt, 'occurredAt')}` +
    `,"prevHash":${text(event.prevHash, 'prevHash')},"streamId":${text(event.streamId, 'streamId')}` +
    `,"streamVersion":${integer(event.streamVersion, 'streamVersion')},"type":${text(event.type, 'type')}` +
    `,"workspaceId":${text(event.workspaceId, 'workspaceId')}}`
  );
}

/*
 * Shortcuts for the shapes every event has: same bytes as `encode`, without sorting keys and
 * recursing per member, which is most of the per-event cost of verifying a long log.
 */
function encodeActor(actor: HashedEnvelope['actor']): string | undefined {
  const keys = Object.keys(actor);
  if (
    keys.length === 2 &&
    (keys[0] === 'kind' ? keys[1] === 'id' : keys[0] === 'id' && keys[1] === 'kind') &&
    typeof actor.id === 'string' &&
    typeof actor.kind === 'string'
  ) {
    return `{"id":${JSON.stringify(actor.id)},"kind":${JSON.stringify(actor.kind)}}`;
  }
  return encode(actor, 'actor');
}

function encodeMetadata(metadata: HashedEnvelope['metadata']): string | undefined {
  const { correlationId, causationId, schemaVersion } = metadata;
  if (
    Object.keys(metadata).length === 3 &&
    typeof correlationId === 'string' &&
    (causationId === null || typeof causationId === 'string') &&
    Number.isSafeInteger(schemaVersion) &&
    Object.hasOwn(metadata, 'correlationId') &&
    Object.hasOwn(metadata, 'causationId') &&
    Object.hasOwn(metadata, 'schemaVersion')
  ) {
    return (
      `{"causationId":${causationId === null ? 'null' : JSON.stringify(causationId)}` +
      `,"correlationId":${JSON.stringify(correlationId)},"schemaVersion":${schemaVersion}}`
    );
  }
  return encode(metadata, 'metadata');
}

function pick(event: HashedEnvelope): HashedEnvelope {
  const { id, type, streamId, streamVersion, globalPosition, occurredAt, workspaceId } = event;
  const { actor, data, metadata, prevHash } = event;
  return {
    id,
    type,
    streamId,
    streamVersion,
    globalPosition,
    occurredAt,
    workspaceId,
    actor,
    data,
    metadata,
    prevHash,
  };
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new TypeError(`envelope field ${field} must be a string`);
  return JSON.stringify(value);
}

function integer(value: unknown, field: string): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`envelope field ${field} must be a safe integer`);
  }
  return String(value);
}

function encode(input: unknown, key: string): string | undefined {
  let value = input;
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    value = (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value))
        throw new TypeError(`non-finite number at ${key} has no canonical encoding`);
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError(`bigint at ${key} has no canonical encoding`);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let index = 0; index < value.length; index++) {
      if (index > 0) out += ',';
      out += encode(value[index], String(index)) ?? 'null';
    }
    return `${out}]`;
  }
  if (value instanceof Number || value instanceof String || value instanceof Boolean) {
    return encode(value.valueOf(), key);
  }
  const object = value as Record<string, unknown>;
  const keys = sortedKeys(object);
  let out = '{';
  let first = true;
  for (const member of keys) {
    const encoded = encode(object[member], member);
    if (encoded === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(member)}:${encoded}`;
    first = false;
  }
  return `${out}}`;
}

/** Up to this many keys are sorted in place by insertion: an event's objects have a handful. */
const INSERTION_SORT_MAX = 16;

/**
 * The object's keys in UTF-16 code unit order, which is what RFC 8785 prescribes (the default sort's
 * order, and the `<` of two strings). A few keys are sorted in place: `Array.prototype.sort` copies
 * the array into a work area first (about 7 % of what a gateway connector call allocated).
 */
function sortedKeys(object: Record<string, unknown>): string[] {
  const keys = Object.keys(object);
  if (keys.length > INSERTION_SORT_MAX) return keys.sort();
  for (let index = 1; index < keys.length; index++) {
    const key = keys[index];
    let at = index - 1;
    for (; at >= 0 && keys[at] > key; at--) keys[at + 1] = keys[at];
    keys[at + 1] = key;
  }
  return keys;
}
