import { verify, type KeyObject } from 'node:crypto';
import { createHash } from 'node:crypto';
import {
  canonicalJson,
  computeEventHashOfDataJson,
  isCheckpointSignatureValid,
  keyIdOf,
  type TamperProblem,
} from '@mandate/event-store';
import type { ExportItem } from './export-codec';
import {
  digestLine,
  sealSigningInput,
  spanOf,
  type ExportBodyRecord,
  type ExportCheckpoint,
  type ExportEvent,
  type ExportHeader,
  type ExportSeal,
} from './export-records';

/** The log's tamper findings, plus `bad-seal`: the export differs from what the server sealed. */
export type ExportProblem = TamperProblem | 'bad-seal';

export interface ExportFinding {
  /** Global position the problem is at (0: the export's header). */
  position: number;
  problem: ExportProblem;
  message: string;
  /** Line of the file where it was found, when one line is to blame. */
  line?: number;
}

export interface ExportVerification {
  ok: boolean;
  workspaceId: string | null;
  from: number | null;
  to: number | null;
  /** Events of the workspace whose hash and link were verified. */
  events: number;
  /** Positions of other workspaces walked through redacted records. */
  redactedPositions: number;
  /** Last position verified (from - 1 when none). */
  verifiedThrough: number;
  checkpointsChecked: number;
  sealVerified: boolean;
  firstBad?: ExportFinding;
}

const LOOKAHEAD = 64;

/** As stored the data text is canonical; if it was reformatted (same value), canonicalise it first. */
function hashesTo(
  envelope: Omit<ExportEvent, 'kind' | 'dataJson' | 'recordedAt' | 'hash'>,
  dataJson: string,
  hash: string,
): boolean {
  if (computeEventHashOfDataJson(envelope, dataJson) === hash) return true;
  try {
    return computeEventHashOfDataJson(envelope, canonicalJson(JSON.parse(dataJson))) === hash;
  } catch {
    return false;
  }
}

/** What the first pass learns: the header, the trailer and where the file ends. */
interface Outline {
  header: ExportHeader | null;
  headerError?: string;
  checkpoints: Map<number, ExportCheckpoint>;
  seal: ExportSeal | null;
  /** Line number of the last item of the file. */
  lastLine: number;
  /** Items after the seal. */
  afterSeal: number;
}

async function outline(items: AsyncIterable<ExportItem>): Promise<Outline> {
  const result: Outline = { header: null, checkpoints: new Map(), seal: null, lastLine: 0, afterSeal: 0 };
  let first = true;
  for await (const item of items) {
    result.lastLine = item.line;
    if (result.seal) result.afterSeal++;
    if (first) {
      first = false;
      if ('error' in item) result.headerError = item.error;
      else if (!('record' in item)) result.headerError = 'the first record is not the export header';
      else if (item.record.kind === 'export') result.header = item.record;
      else result.headerError = `the first record is a ${item.record.kind} record, not the export header`;
      continue;
    }
    if (!('record' in item)) continue;
    const { record } = item;
    if (record.kind === 'checkpoint') result.checkpoints.set(record.position, record);
    else if (record.kind === 'seal' && !result.seal) result.seal = record;
  }
  return result;
}

/**
 * Verifies an export offline (docs/audit.md, "Exports"): every event of the workspace hashes to
 * its hash, every record links to the one before from the anchor to the last position, every
 * position of the range is covered exactly once, the signed checkpoints in range match, and the
 * seal's signature and digest match the records. `open` is called twice: once to read the header
 * and trailer, once to walk the records, so memory stays constant whatever the file's size.
 */
export async function verifyExport(
  open: (options?: { skipBody?: boolean }) => AsyncIterable<ExportItem>,
  publicKey: KeyObject,
): Promise<ExportVerification> {
  const plan = await outline(open({ skipBody: true }));
  const result: ExportVerification = {
    ok: false,
    workspaceId: plan.header?.workspaceId ?? null,
    from: plan.header?.from ?? null,
    to: plan.header?.to ?? null,
    events: 0,
    redactedPositions: 0,
    verifiedThrough: (plan.header?.from ?? 1) - 1,
    checkpointsChecked: 0,
    sealVerified: false,
  };
  const fail = (finding: ExportFinding): ExportVerification => ({ ...result, ok: false, firstBad: finding });
  const header = plan.header;
  if (header === null) {
    return fail({
      position: 0,
      problem: plan.lastLine === 0 ? 'truncated' : 'modified',
      message: plan.lastLine === 0 ? 'the export is empty' : `the header is damaged: ${plan.headerError}`,
      line: 1,
    });
  }

  const walk = new Walk(header, plan, publicKey, result);
  const items = open()[Symbol.asyncIterator]();
  await items.next(); // the header
  let finding: ExportFinding | undefined;
  for (;;) {
    const next = await items.next();
    if (next.done) break;
    const item = next.value;
    if ('record' in item && (item.record.kind === 'checkpoint' || item.record.kind === 'seal')) break;
    if ('record' in item && item.record.kind === 'export') {
      finding = {
        position: walk.next,
        problem: 'inserted',
        message: 'a second export header',
        line: item.line,
      };
      break;
    }
    const verdict = walk.accept(item as BodyItem, async () => {
      const ahead: BodyItem[] = [];
      while (ahead.length < LOOKAHEAD) {
        const more = await items.next();
        if (more.done || ('record' in more.value && !isBody(more.value.record))) break;
        ahead.push(more.value as BodyItem);
      }
      return ahead;
    });
    finding = verdict instanceof Promise ? await verdict : verdict;
    if (finding) break;
  }
  await items.return?.(undefined);
  if (finding) return fail(finding);
  if (walk.next <= header.to) {
    return fail({
      position: walk.next,
      problem: 'truncated',
      message: `the export ends at ${walk.next - 1} but its header covers up to ${header.to}: positions ${walk.next}..${header.to} are missing`,
    });
  }
  if (plan.seal === null) {
    return fail({
      position: header.to + 1,
      problem: 'truncated',
      message: 'the export ends without its seal: the file was cut after its last record',
    });
  }
  const sealProblem = checkSeal(plan.seal, header, walk.digest(), publicKey, plan.afterSeal);
  if (sealProblem) return fail({ position: 0, problem: 'bad-seal', message: sealProblem });
  return { ...result, ok: true, sealVerified: true };
}

type BodyItem = { line: number; record: ExportBodyRecord } | { line: number; error: string };

const isBody = (record: { kind: string }): boolean => record.kind === 'event' || record.kind === 'redacted';

/** The walk over body records, position by position. */
class Walk {
  next: number;
  private prev: string;
  private readonly hasher = createHash('sha256');

  constructor(
    private readonly header: ExportHeader,
    private readonly plan: Outline,
    private readonly publicKey: KeyObject,
    private readonly result: ExportVerification,
  ) {
    this.next = header.from;
    this.prev = header.anchorHash;
  }

  digest(): string {
    return this.hasher.digest('hex');
  }

  accept(
    item: BodyItem,
    lookahead: () => Promise<BodyItem[]>,
  ): ExportFinding | undefined | Promise<ExportFinding | undefined> {
    const p = this.next;
    if ('error' in item) {
      const last = item.line === this.plan.lastLine;
      return {
        position: p,
        problem: last ? 'truncated' : 'modified',
        message: last
          ? `the file ends in the middle of a record (${item.error})`
          : `line ${item.line} is not a record of the export: ${item.error}`,
        line: item.line,
      };
    }
    const { record, line } = item;
    const span = spanOf(record);
    if (span.from !== p) return this.misplaced(record, line, lookahead);
    if (record.kind === 'event') {
      if (record.workspaceId !== this.header.workspaceId) {
        return {
          position: p,
          problem: 'inserted',
          message: `event ${p} belongs to workspace ${record.workspaceId}`,
          line,
        };
      }
      const { kind: _kind, dataJson, recordedAt: _recordedAt, hash, ...envelope } = record;
      if (!hashesTo(envelope, dataJson, hash)) {
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
      const at = p > this.header.from ? p - 1 : p;
      return {
        position: at,
        problem: 'modified',
        message:
          p > this.header.from
            ? `the record at ${p} links to ${record.prevHash}, but the record ending at ${p - 1} hashes to ${this.prev}: it was changed together with its hash`
            : `the first record does not link to the export's anchor hash`,
        line,
      };
    }
    for (let position = span.from; position < span.to; position++) {
      if (this.plan.checkpoints.has(position)) {
        return {
          position: span.from,
          problem: 'modified',
          message: `redacted record ${span.from}..${span.to} hides the checkpointed position ${position}`,
          line,
        };
      }
    }
    const checkpoint = this.plan.checkpoints.get(span.to);
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
    this.hasher.update(digestLine(record));
    this.prev = record.hash;
    this.next = span.to + 1;
    this.result.verifiedThrough = span.to;
    if (record.kind === 'event') this.result.events++;
    else this.result.redactedPositions += span.to - span.from + 1;
    return undefined;
  }

  private async misplaced(
    record: ExportBodyRecord,
    line: number,
    lookahead: () => Promise<BodyItem[]>,
  ): Promise<ExportFinding> {
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
    const ahead = await lookahead();
    const displaced = ahead.find((later) => 'record' in later && spanOf(later.record).from === p);
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

function checkSeal(
  seal: ExportSeal,
  header: ExportHeader,
  digest: string,
  publicKey: KeyObject,
  afterSeal: number,
): string | undefined {
  for (const field of ['workspaceId', 'from', 'to', 'anchorHash', 'exportedAt', 'keyId'] as const) {
    if (seal[field] !== header[field]) return `the seal's ${field} differs from the header's`;
  }
  if (seal.keyId !== keyIdOf(publicKey))
    return `the export was sealed by key ${seal.keyId.slice(0, 16)}…, not by this key`;
  let valid = false;
  try {
    valid = verify(null, sealSigningInput(seal), publicKey, Buffer.from(seal.signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) return 'the seal has no valid signature from this key';
  if (seal.digest !== digest) {
    return 'the records differ from the ones sealed (an event was redacted, or records were changed with recomputed hashes)';
  }
  if (afterSeal > 0) return `${afterSeal} record(s) follow the seal`;
  return undefined;
}
