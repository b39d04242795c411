import type { KeyObject } from 'node:crypto';
import { canonicalJson, computeEventHashOfDataJson, isCheckpointSignatureValid } from '@mandate/event-store';
import type { ExportItem } from './export-file-reader';
import {
  spanOf,
  type ExportBodyRecord,
  type ExportCheckpoint,
  type ExportEvent,
  type ExportHeader,
} from './export-records';
import type { ExportFinding, ExportVerification } from './export-verifier';

export type BodyItem = ExportItem & { record: ExportBodyRecord };

/** As stored the data text is canonical; if it was reformatted (same value), canonicalise it first. */
function hashesTo(event: ExportEvent): boolean {
  const { kind: _kind, dataJson, recordedAt: _recordedAt, hash, ...envelope } = event;
  if (computeEventHashOfDataJson(envelope, dataJson) === hash) return true;
  try {
    return computeEventHashOfDataJson(envelope, canonicalJson(JSON.parse(dataJson))) === hash;
  } catch {
    return false;
  }
}

const LOOKAHEAD = 64;

/** The walk over body records, position by position, from the anchor to the header's `to`. */
export class ExportWalk {
  next: number;
  private prev: string;

  constructor(
    private readonly header: ExportHeader,
    private readonly checkpoints: ReadonlyMap<number, ExportCheckpoint>,
    private readonly publicKey: KeyObject,
    private readonly result: ExportVerification,
  ) {
    this.next = header.from;
    this.prev = header.anchorHash;
  }

  async accept(item: BodyItem, lookahead: () => Promise<ExportItem[]>): Promise<ExportFinding | undefined> {
    const p = this.next;
    const { record, line } = item;
    const span = spanOf(record);
    if (span.from !== p) return this.misplaced(record, line, await lookahead());
    if (span.to > this.header.to) {
      return {
        position: span.to,
        problem: 'inserted',
        message: `the record ${span.from}..${span.to} ends after the export's range`,
        line,
      };
    }
    if (record.kind === 'event') {
      if (record.workspaceId !== this.header.workspaceId) {
        return {
          position: p,
          problem: 'inserted',
          message: `event ${p} belongs to workspace ${record.workspaceId}`,
          line,
        };
      }
      if (!hashesTo(record)) {
        return {
          position: p,
          problem: 'modified',
          message: `event ${p} no longer matches its hash: its content was changed`,
          line,
        };
      }
    } else if (record.to < record.from) {
      return {
        position: p,
        problem: 'modified',
        message: `redacted record ${record.from}..${record.to} is empty`,
        line,
      };
    }
    if (record.prevHash !== this.prev) {
      const first = p === this.header.from;
      return {
        position: p - 1,
        problem: 'modified',
        message: first
          ? `the first record does not link to the export's anchor hash (the hash of event ${p - 1}, in the header)`
          : `the record at ${p} links to ${record.prevHash}, but the record ending at ${p - 1} hashes to ${this.prev}: it was changed together with its hash`,
        line,
      };
    }
    for (let position = span.from; position < span.to; position++) {
      if (this.checkpoints.has(position)) {
        return {
          position: span.from,
          problem: 'modified',
          message: `redacted record ${span.from}..${span.to} hides the checkpointed position ${position}`,
          line,
        };
      }
    }
    const checkpoint = this.checkpoints.get(span.to);
    if (checkpoint) {
      if (!isCheckpointSignatureValid(checkpoint, this.publicKey)) {
        return {
          position: span.to,
          problem: 'bad-checkpoint-signature',
          message: `checkpoint at ${span.to} (signed at ${checkpoint.signedAt}) has no valid signature from this key`,
        };
      }
      this.result.checkpointsChecked++;
      if (checkpoint.headHash !== record.hash) {
        return {
          position: span.to,
          problem: 'checkpoint-mismatch',
          message: `the record at ${span.to} has hash ${record.hash} but the checkpoint signed at ${checkpoint.signedAt} says ${checkpoint.headHash}`,
        };
      }
    }
    this.prev = record.hash;
    this.next = span.to + 1;
    this.result.verifiedThrough = span.to;
    if (record.kind === 'event') this.result.events++;
    else this.result.redactedPositions += span.to - span.from + 1;
    return undefined;
  }

  private misplaced(record: ExportBodyRecord, line: number, ahead: ExportItem[]): ExportFinding {
    const p = this.next;
    const span = spanOf(record);
    if (span.from < p) {
      return {
        position: p,
        problem: 'inserted',
        message: `a second record for position ${span.from} (already covered) where ${p} was expected`,
        line,
      };
    }
    const displaced = ahead.find(
      (later) =>
        'record' in later &&
        (later.record.kind === 'event' || later.record.kind === 'redacted') &&
        spanOf(later.record).from === p,
    );
    if (displaced) {
      return {
        position: p,
        problem: 'reordered',
        message: `the record of position ${p} comes after the one of ${span.from} (line ${displaced.line})`,
        line,
      };
    }
    return {
      position: p,
      problem: 'deleted',
      message: `positions ${p}..${span.from - 1} are missing: the record after ${p - 1} starts at ${span.from}`,
      line,
    };
  }
}

/** Reads up to LOOKAHEAD more items, for telling a reordering from a deletion. */
export async function readAhead(items: AsyncIterator<ExportItem>): Promise<ExportItem[]> {
  const ahead: ExportItem[] = [];
  while (ahead.length < LOOKAHEAD) {
    const more = await items.next();
    if (more.done) break;
    ahead.push(more.value);
  }
  return ahead;
}
