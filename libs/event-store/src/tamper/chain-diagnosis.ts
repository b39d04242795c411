import { isIntactAt, type StoredEvent, type TamperFinding, type TamperProblem } from './stored-event';

/** What the chain walker knows when an event breaks the chain. */
export interface ChainBreak {
  /** The position the breaking event should have held. */
  next: number;
  /** The first position of the verified range. */
  from: number;
  /** The hash of the last verified event. */
  prevHash: string;
  /** The events read after the breaking one (lookahead). */
  ahead: readonly StoredEvent[];
  /** Verified hashes of the last positions, indexed by position modulo its length. */
  recent: readonly string[];
  lookahead: number;
}

/**
 * Classifies the first break in the chain from the breaking event and the events read after it
 * (rules in docs/audit.md): modified, deleted, reordered or inserted, at the position to blame.
 */
export function diagnoseBreak(event: StoredEvent, walk: ChainBreak): TamperFinding {
  const p = walk.next;
  if (event.globalPosition > p) {
    return finding(p, 'deleted', `events ${p}..${event.globalPosition - 1} are missing (gap in positions)`);
  }
  if (event.globalPosition < p) {
    return finding(p, 'inserted', `a second event claims position ${event.globalPosition}`);
  }
  if (isIntactAt(event, p)) {
    // The event is whole but names another predecessor.
    const displaced = walk.ahead.find((later) => isIntactAt(later, p));
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
        `${walk.prevHash}: event ${p - 1} was rewritten together with its hash`,
    );
  }
  const original = originalPosition(event, p, walk.lookahead);
  if (original !== undefined && original > p) {
    const displaced = walk.ahead.find((later) => isIntactAt(later, p));
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
    if (original >= walk.from && walk.recent[original % walk.recent.length] === event.hash) {
      return finding(p, 'inserted', `slot ${p} holds a copy of event ${original}`);
    }
    return finding(
      original,
      'inserted',
      `events ${original}..${p - 1} were inserted: the event originally at ${original} now sits at slot ${p}`,
    );
  }
  if (walk.ahead[0] !== undefined && isIntactAt(walk.ahead[0], p)) {
    return finding(
      p,
      'inserted',
      `slot ${p} holds an event that is not part of the chain; the event originally at ${p} follows it`,
    );
  }
  return finding(p, 'modified', `event ${p} no longer matches its hash: its stored content was changed`);
}

/** The position at which an intact-but-moved event was hashed, searched near where it sits. */
function originalPosition(event: StoredEvent, p: number, lookahead: number): number | undefined {
  for (let distance = 1; distance <= lookahead; distance++) {
    if (isIntactAt(event, p + distance)) return p + distance;
    if (p - distance >= 1 && isIntactAt(event, p - distance)) return p - distance;
  }
  return undefined;
}

const finding = (position: number, problem: TamperProblem, message: string): TamperFinding => ({
  position,
  problem,
  message,
});
