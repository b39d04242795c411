import {
  canonicalJson,
  computeEventHash,
  computeEventHashOfDataJson,
  type HashedEnvelope,
} from './canonical-encoding';

/**
 * An event as the store holds it: the hashed envelope with `data` kept as the stored JSON text
 * (never upcast: the hash covers the stored form), plus the stored `hash`. `globalPosition` is the
 * slot the store keeps the row in, which is what a tamperer moves.
 */
export interface StoredEvent extends Omit<HashedEnvelope, 'data'> {
  dataJson: string;
  hash: string;
}

export type TamperProblem =
  | 'modified'
  | 'deleted'
  | 'reordered'
  | 'inserted'
  | 'truncated'
  | 'checkpoint-mismatch'
  | 'bad-checkpoint-signature';

export interface TamperFinding {
  position: number;
  problem: TamperProblem;
  message: string;
}

/** A read-back envelope as the verifier sees it, for sources that hold `data` parsed. */
export function toStoredEvent(event: HashedEnvelope & { hash: string }): StoredEvent {
  const { data, ...envelope } = event;
  return { ...envelope, dataJson: canonicalJson(data) };
}

/** True when `event`, placed at position `at`, hashes to its stored hash. */
export function isIntactAt(event: StoredEvent, at: number): boolean {
  const envelope = at === event.globalPosition ? event : { ...event, globalPosition: at };
  if (computeEventHashOfDataJson(envelope, event.dataJson) === event.hash) return true;
  // A store may hold data as equivalent but non-canonical JSON; canonicalise before giving up.
  try {
    return computeEventHash({ ...envelope, data: JSON.parse(event.dataJson) as unknown }) === event.hash;
  } catch {
    return false;
  }
}
