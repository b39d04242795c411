import { GENESIS_HASH, isIntactAt, type RecordedEvent, toStoredEvent } from '@mandate/event-store';

/** Why a replica refused a message: its hash does not cover it, or it does not link to the log. */
export type ChainProblem = 'modified' | 'unlinked';

/**
 * The store's hash chain, checked on what arrives from Kafka before a replica applies it. A
 * message's hash must cover its envelope (`intact`, on arrival: a copy altered in transit or at
 * rest is refused, and a genuine copy of the position may still come); the next event in order
 * must link to the last one applied (`links`, on release).
 *
 * What it cannot tell: a forger who can write to the topics and recomputes hashes can add an event
 * that links to the head. The genuine event of that position then no longer fits, so the replica
 * stops there and reports it; only the store's signed checkpoints and Kafka's ACLs (only the
 * relay writes) close that (docs/security.md).
 */
export class HashChainCheck {
  private lastHash = GENESIS_HASH;

  constructor(private readonly onRefused: (event: RecordedEvent, problem: ChainProblem) => void = () => {}) {}

  intact(event: RecordedEvent): boolean {
    const { recordedAt: _recordedAt, ...envelope } = event;
    if (isIntactAt(toStoredEvent(envelope), event.globalPosition)) return true;
    this.onRefused(event, 'modified');
    return false;
  }

  links(event: RecordedEvent): boolean {
    if (event.prevHash !== this.lastHash) {
      this.onRefused(event, 'unlinked');
      return false;
    }
    this.lastHash = event.hash;
    return true;
  }
}
