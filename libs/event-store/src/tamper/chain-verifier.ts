import type { KeyObject } from 'node:crypto';
import {
  canonicalJson,
  computeEventHash,
  computeEventHashOfDataJson,
  GENESIS_HASH,
  type HashedEnvelope,
} from './canonical-encoding';
import { isCheckpointSignatureValid, type SignedCheckpoint } from './signed-checkpoint';

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

export interface ChainVerification {
  ok: boolean;
  /** First position of the verified range. */
  from: number;
  /** Events whose hash and link to their predecessor were verified. */
  checked: number;
  /** Last position verified intact (from - 1 when none). */
  verifiedThrough: number;
  firstBad?: TamperFinding;
  /** The newest checkpoint whose signature and head hash were verified in this run. */
  lastCheckpoint: SignedCheckpoint | null;
  checkpointsChecked: number;
}

export interface VerifyChainOptions {
  /** First position to verify (default 1). */
  from?: number;
  /** Last position to verify; checkpoints beyond it are ignored (default: the whole log). */
  to?: number;
  /** The stored hash of event `from - 1`, which the range links to; required when from > 1. */
  anchorHash?: string;
  checkpoints?: readonly SignedCheckpoint[];
  /** Required when there are checkpoints in range. */
  publicKey?: KeyObject;
  /** How many events past the first failure are read to tell the kind of tampering apart. */
  lookahead?: number;
}

const DEFAULT_LOOKAHEAD = 64;

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

/**
 * Walks stored events in slot order and stops at the first one that breaks the chain. Fed one
 * event at a time so that sync and async sources share it; after a failure it reads a few more
 * events (lookahead) and classifies what happened (rules in docs/audit.md).
 */
export class ChainWalker {
  private readonly from: number;
  private readonly to: number;
  private readonly lookahead: number;
  private readonly checkpoints: readonly SignedCheckpoint[];
  private readonly publicKey?: KeyObject;
  /** Verified hashes of the last positions, indexed by position modulo its length. */
  private readonly recent: string[];
  private readonly ahead: StoredEvent[] = [];
  private next: number;
  private prevHash: string;
  private checked = 0;
  private checkpointIndex = 0;
  private checkpointsChecked = 0;
  private lastCheckpoint: SignedCheckpoint | null = null;
  private failing: StoredEvent | null = null;
  private finding: TamperFinding | undefined;

  constructor(options: VerifyChainOptions = {}) {
    this.from = options.from ?? 1;
    this.to = options.to ?? Number.MAX_SAFE_INTEGER;
    if (!Number.isSafeInteger(this.from) || this.from < 1)
      throw new RangeError('from must be a position ≥ 1');
    if (this.from > 1 && options.anchorHash === undefined) {
      throw new RangeError('anchorHash (the stored hash of event from - 1) is required when from > 1');
    }
    this.lookahead = options.lookahead ?? DEFAULT_LOOKAHEAD;
    this.recent = new Array<string>(this.lookahead + 1);
    this.next = this.from;
    this.prevHash = options.anchorHash ?? GENESIS_HASH;
    this.checkpoints = [...(options.checkpoints ?? [])]
      .filter((checkpoint) => checkpoint.position >= this.from && checkpoint.position <= this.to)
      .sort((a, b) => a.position - b.position);
    this.publicKey = options.publicKey;
    if (this.checkpoints.length > 0 && !this.publicKey) {
      throw new RangeError('a public key is required to verify checkpoints');
    }
  }

  /** Feeds the next stored event; false once no more are needed. */
  accept(event: StoredEvent): boolean {
    if (this.finding) return false;
    if (this.failing) {
      this.ahead.push(event);
      return this.ahead.length < this.lookahead;
    }
    const position = this.next;
    if (position > this.to) return false;
    if (
      event.globalPosition !== position ||
      event.prevHash !== this.prevHash ||
      !isIntactAt(event, position)
    ) {
      this.failing = event;
      return this.lookahead > 0;
    }
    this.recent[position % this.recent.length] = event.hash;
    this.prevHash = event.hash;
    this.next = position + 1;
    this.checked++;
    const checkpoint = this.checkpoints[this.checkpointIndex];
    if (checkpoint !== undefined && checkpoint.position === position) {
      this.checkpointIndex++;
      this.finding = this.checkCheckpoint(checkpoint, event.hash);
    }
    return this.finding === undefined && position < this.to;
  }

  /** Called when the source is exhausted or `accept` returned false. */
  result(): ChainVerification {
    if (!this.finding && this.failing) this.finding = this.diagnose(this.failing);
    if (!this.finding) this.finding = this.checkTruncation();
    return {
      ok: this.finding === undefined,
      from: this.from,
      checked: this.checked,
      verifiedThrough: this.finding ? Math.min(this.next, this.finding.position) - 1 : this.next - 1,
      ...(this.finding ? { firstBad: this.finding } : {}),
      lastCheckpoint: this.lastCheckpoint,
      checkpointsChecked: this.checkpointsChecked,
    };
  }

  private checkCheckpoint(checkpoint: SignedCheckpoint, hash: string): TamperFinding | undefined {
    if (!isCheckpointSignatureValid(checkpoint, this.publicKey as KeyObject)) {
      return {
        position: checkpoint.position,
        problem: 'bad-checkpoint-signature',
        message: `checkpoint at ${checkpoint.position} (signed at ${checkpoint.signedAt}) has no valid signature from key ${checkpoint.keyId.slice(0, 16)}…`,
      };
    }
    this.checkpointsChecked++;
    if (checkpoint.headHash !== hash) {
      const since = this.lastCheckpoint ? this.lastCheckpoint.position + 1 : this.from;
      return {
        position: checkpoint.position,
        problem: 'checkpoint-mismatch',
        message:
          `event ${checkpoint.position} hashes to ${hash} but the checkpoint signed at ${checkpoint.signedAt} ` +
          `says ${checkpoint.headHash}: events between ${since} and ${checkpoint.position} were rewritten ` +
          `with recomputed hashes (or the log was truncated and regrown)`,
      };
    }
    this.lastCheckpoint = checkpoint;
    return undefined;
  }

  private checkTruncation(): TamperFinding | undefined {
    const beyond = this.checkpoints[this.checkpointIndex];
    if (beyond === undefined) return undefined;
    if (!isCheckpointSignatureValid(beyond, this.publicKey as KeyObject)) {
      return {
        position: beyond.position,
        problem: 'bad-checkpoint-signature',
        message: `checkpoint at ${beyond.position} (signed at ${beyond.signedAt}) has no valid signature`,
      };
    }
    this.checkpointsChecked++;
    return {
      position: this.next,
      problem: 'truncated',
      message:
        `the log ends at ${this.next - 1} but a checkpoint signed at ${beyond.signedAt} covers up to ` +
        `${beyond.position}: events ${this.next}..${beyond.position} (at least) were removed`,
    };
  }

  private diagnose(event: StoredEvent): TamperFinding {
    const p = this.next;
    if (event.globalPosition > p) {
      return finding(p, 'deleted', `events ${p}..${event.globalPosition - 1} are missing (gap in positions)`);
    }
    if (event.globalPosition < p) {
      return finding(p, 'inserted', `a second event claims position ${event.globalPosition}`);
    }
    if (isIntactAt(event, p)) {
      // The event is whole but names another predecessor.
      const displaced = this.ahead.find((later) => isIntactAt(later, p));
      if (displaced) {
        return finding(
          p,
          'inserted',
          `event ${p} does not link to ${p - 1}; the event originally at ${p} follows at slot ${displaced.globalPosition}`,
        );
      }
      if (p === 1) return finding(1, 'modified', 'the first event does not link to the genesis hash');
      return finding(
        p - 1,
        'modified',
        `event ${p} records ${event.prevHash} as its predecessor's hash, but event ${p - 1} hashes to ` +
          `${this.prevHash}: event ${p - 1} was rewritten together with its hash`,
      );
    }
    const original = this.originalPosition(event, p);
    if (original !== undefined && original > p) {
      const displaced = this.ahead.find((later) => isIntactAt(later, p));
      if (displaced) {
        return finding(
          p,
          'reordered',
          `slot ${p} holds the event of position ${original}; the event of ${p} sits at slot ${displaced.globalPosition}`,
        );
      }
      return finding(
        p,
        'deleted',
        `events ${p}..${original - 1} are missing; the events after them were renumbered (slot ${p} holds the event of ${original})`,
      );
    }
    if (original !== undefined && original < p) {
      if (original >= this.from && this.recent[original % this.recent.length] === event.hash) {
        return finding(p, 'inserted', `slot ${p} holds a copy of event ${original}`);
      }
      return finding(
        original,
        'inserted',
        `events ${original}..${p - 1} were inserted: the event originally at ${original} now sits at slot ${p}`,
      );
    }
    if (this.ahead[0] !== undefined && isIntactAt(this.ahead[0], p)) {
      return finding(
        p,
        'inserted',
        `slot ${p} holds an event that is not part of the chain; the event originally at ${p} follows it`,
      );
    }
    return finding(p, 'modified', `event ${p} no longer matches its hash: its stored content was changed`);
  }

  /** The position at which an intact-but-moved event was hashed, searched near where it sits. */
  private originalPosition(event: StoredEvent, p: number): number | undefined {
    for (let distance = 1; distance <= this.lookahead; distance++) {
      if (isIntactAt(event, p + distance)) return p + distance;
      if (p - distance >= 1 && isIntactAt(event, p - distance)) return p - distance;
    }
    return undefined;
  }
}

const finding = (position: number, problem: TamperProblem, message: string): TamperFinding => ({
  position,
  problem,
  message,
});

/** Verifies stored events given in slot order from `options.from`. */
export function verifyChain(
  events: Iterable<StoredEvent>,
  options: VerifyChainOptions = {},
): ChainVerification {
  const walker = new ChainWalker(options);
  for (const event of events) if (!walker.accept(event)) break;
  return walker.result();
}

export async function verifyChainAsync(
  events: AsyncIterable<StoredEvent> | Iterable<StoredEvent>,
  options: VerifyChainOptions = {},
): Promise<ChainVerification> {
  const walker = new ChainWalker(options);
  for await (const event of events) if (!walker.accept(event)) break;
  return walker.result();
}
