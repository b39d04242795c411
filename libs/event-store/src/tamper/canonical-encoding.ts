import { createHash } from 'node:crypto';
import type { RecordedEvent } from '../event-store.port';

/** The chain's first `prevHash`: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Canonical encoding of an envelope for hashing: JSON with object keys sorted by code point at
 * every depth, no insignificant whitespace, UTF-8; every envelope field except `hash` and
 * `recordedAt`. Specified byte for byte in docs/audit.md so outside verifiers can reimplement it.
 */
export function canonicalEncode(event: Omit<RecordedEvent, 'hash' | 'recordedAt'>): Buffer {
  const {
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
  } = event;
  return Buffer.from(
    canonicalJson({
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
    }),
    'utf8',
  );
}

export function computeEventHash(event: Omit<RecordedEvent, 'hash' | 'recordedAt'>): string {
  return createHash('sha256').update(canonicalEncode(event)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as Record<string, unknown>)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}
