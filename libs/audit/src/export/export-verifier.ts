import type { KeyObject } from 'node:crypto';
import type { TamperProblem } from '@mandate/event-store';
import type { ExportItem } from './export-file-reader';
import { InstantCheck } from './export-instant-check';
import { spanOf, type ExportCheckpoint, type ExportHeader, type ExportSeal } from './export-records';
import { checkSeal } from './export-seal-check';
import { type BodyItem, ExportWalk, readAhead } from './export-walk';

/**
 * The log's tamper findings, plus `bad-seal` (the file differs from what the server sealed) and
 * `bad-range` (the records do not match the instants the range was asked for).
 */
export type ExportProblem = TamperProblem | 'bad-seal' | 'bad-range';

export interface ExportFinding {
  /** Global position the problem is at (0: the export's header, or the export as a whole). */
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

/** The checkpoints by position (the first of each), read ahead so each record can be matched. */
async function checkpointsOf(items: AsyncIterable<ExportItem>): Promise<Map<number, ExportCheckpoint>> {
  const checkpoints = new Map<number, ExportCheckpoint>();
  for await (const item of items) {
    if ('record' in item && item.record.kind === 'checkpoint' && !checkpoints.has(item.record.position)) {
      checkpoints.set(item.record.position, item.record);
    }
  }
  return checkpoints;
}

type Phase = 'records' | 'checkpoints' | 'sealed';

/**
 * Verifies an export offline (docs/audit.md, "Verifying an export"). The file is one grammar —
 * header, records, checkpoints, seal, nothing else — and every line is accounted for: each
 * position of the range is covered once, in order, by an event of the workspace that hashes to its
 * hash or by a redacted run, each linking to the one before from the anchor; the checkpoints are
 * in range, ascending, once each, signed, and match; the seal's signature covers the SHA-256 of
 * every byte before it. `open` is called twice (the checkpoints first, then the walk), so memory
 * stays constant whatever the file's size.
 */
export async function verifyExport(
  open: (options?: { skipBody?: boolean }) => AsyncIterable<ExportItem>,
  publicKey: KeyObject,
): Promise<ExportVerification> {
  const checkpoints = await checkpointsOf(open({ skipBody: true }));
  const items = open()[Symbol.asyncIterator]();
  try {
    const first = await items.next();
    const header =
      first.done || !('record' in first.value) || first.value.record.kind !== 'export'
        ? null
        : first.value.record;
    const result: ExportVerification = {
      ok: false,
      workspaceId: header?.workspaceId ?? null,
      from: header?.from ?? null,
      to: header?.to ?? null,
      events: 0,
      redactedPositions: 0,
      verifiedThrough: (header?.from ?? 1) - 1,
      checkpointsChecked: 0,
      sealVerified: false,
    };
    const fail = (finding: ExportFinding): ExportVerification => ({
      ...result,
      ok: false,
      firstBad: finding,
    });
    if (first.done)
      return fail({ position: 0, problem: 'truncated', message: 'the export is empty', line: 1 });
    if (header === null || first.value.cut || header.from < 1 || header.to < header.from - 1) {
      const why = 'error' in first.value ? first.value.error : 'the first record is not an export header';
      return fail({
        position: 0,
        problem: first.value.cut ? 'truncated' : 'modified',
        message: `the header is damaged: ${why}`,
        line: 1,
      });
    }
    const finding = await walkFile(
      items,
      header,
      new ExportWalk(header, checkpoints, publicKey, result),
      publicKey,
    );
    return finding ? fail(finding) : { ...result, ok: true, sealVerified: true };
  } finally {
    await items.return?.(undefined);
  }
}

async function walkFile(
  items: AsyncIterator<ExportItem>,
  header: ExportHeader,
  walk: ExportWalk,
  publicKey: KeyObject,
): Promise<ExportFinding | undefined> {
  let phase: Phase = 'records';
  let lastCheckpoint = 0;
  let seal: (ExportItem & { record: ExportSeal }) | null = null;
  const after = header.to + 1;
  const instants = new InstantCheck(header);
  /** Leaving the records: every position of the range must have been covered. */
  const recordsEnd = (line: number): ExportFinding | undefined =>
    walk.next > header.to
      ? undefined
      : {
          position: walk.next,
          problem: 'deleted',
          message: `positions ${walk.next}..${header.to} are missing: the records end at ${walk.next - 1}`,
          line,
        };
  for (let next = await items.next(); !next.done; next = await items.next()) {
    const item = next.value;
    const { line } = item;
    const position = phase === 'records' ? walk.next : after;
    if (item.cut)
      return { position, problem: 'truncated', message: 'the file ends in the middle of a line', line };
    if (phase === 'sealed')
      return { position: after, problem: 'inserted', message: 'a line after the seal', line };
    if (!('record' in item)) {
      const why = 'error' in item ? item.error : 'an unread record';
      return {
        position,
        problem: 'modified',
        message: `line ${line} is not a record of the export: ${why}`,
        line,
      };
    }
    const { record } = item;
    if (record.kind === 'export')
      return { position, problem: 'inserted', message: 'a second export header', line };
    if (record.kind === 'event' || record.kind === 'redacted') {
      if (phase !== 'records') {
        const at = spanOf(record).from;
        return {
          position: at,
          problem: 'inserted',
          message: `a ${record.kind} record for ${at} after the checkpoints`,
          line,
        };
      }
      const finding = await walk.accept(item as BodyItem, () => readAhead(items));
      if (finding) return finding;
      if (record.kind === 'event') {
        const outside = instants.event(record.globalPosition, record.recordedAt, line);
        if (outside) return outside;
      }
      continue;
    }
    if (phase === 'records') {
      const missing = recordsEnd(line);
      if (missing) return missing;
      phase = 'checkpoints';
    }
    if (record.kind === 'checkpoint') {
      const at = record.position;
      if (at < header.from || at > header.to) {
        return {
          position: at,
          problem: 'inserted',
          message: `a checkpoint at ${at}, outside the range ${header.from}..${header.to}`,
          line,
        };
      }
      if (at <= lastCheckpoint) {
        return at === lastCheckpoint
          ? { position: at, problem: 'inserted', message: `a second checkpoint for position ${at}`, line }
          : {
              position: at,
              problem: 'reordered',
              message: `the checkpoint at ${at} comes after the one at ${lastCheckpoint}`,
              line,
            };
      }
      lastCheckpoint = at;
      continue;
    }
    seal = { ...item, record };
    phase = 'sealed';
  }
  if (phase === 'records') {
    if (walk.next <= header.to) {
      return {
        position: walk.next,
        problem: 'truncated',
        message: `the export ends at ${walk.next - 1} but its header covers up to ${header.to}: positions ${walk.next}..${header.to} are missing`,
      };
    }
  }
  if (seal === null)
    return {
      position: after,
      problem: 'truncated',
      message: 'the export ends without its seal: the file was cut after its last record',
    };
  const sealProblem = checkSeal(seal.record, seal.digest, header, publicKey);
  if (sealProblem) return { position: 0, problem: 'bad-seal', message: sealProblem, line: seal.line };
  return instants.next(seal.record.nextRecordedAt, seal.line);
}
