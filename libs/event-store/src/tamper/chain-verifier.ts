import type { KeyObject } from 'node:crypto';
import { GENESIS_HASH } from './canonical-encoding';
import { isCheckpointSignatureValid, type SignedCheckpoint } from './signed-checkpoint';
import { diagnoseBreak } from './chain-diagnosis';
import { isIntactAt, type StoredEvent, type TamperFinding } from './stored-event';

export * from './stored-event';

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
    if (!this.finding && this.failing)
      this.finding = diagnoseBreak(this.failing, {
        next: this.next,
        from: this.from,
        prevHash: this.prevHash,
        ahead: this.ahead,
        recent: this.recent,
        lookahead: this.lookahead,
      });
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
}

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
