import type { ExportHeader } from './export-records';
import type { ExportFinding } from './export-verifier';

/** Whether the records match the instants the range was asked for (resolved through recordedAt). */
export class InstantCheck {
  private readonly fromMs: number | null;
  private readonly toMs: number | null;

  constructor(private readonly header: ExportHeader) {
    this.fromMs = header.fromInstant === null ? null : Date.parse(header.fromInstant);
    this.toMs = header.toInstant === null ? null : Date.parse(header.toInstant);
  }

  /** Called once the records are complete: the anchor must lie before `fromInstant`. */
  event(position: number, recordedAt: string, line: number): ExportFinding | undefined {
    const at = Date.parse(recordedAt);
    if (this.fromMs !== null && at < this.fromMs) {
      return {
        position,
        problem: 'bad-range',
        message: `event ${position} was recorded at ${recordedAt}, before the range's start ${this.header.fromInstant}`,
        line,
      };
    }
    if (this.toMs !== null && at >= this.toMs) {
      return {
        position,
        problem: 'bad-range',
        message: `event ${position} was recorded at ${recordedAt}, not before the range's end ${this.header.toInstant}`,
        line,
      };
    }
    return undefined;
  }

  next(nextRecordedAt: string | null, line: number): ExportFinding | undefined {
    const { header } = this;
    const anchor = header.anchorRecordedAt === null ? null : Date.parse(header.anchorRecordedAt);
    if (this.fromMs !== null && header.from > 1 && (anchor === null || anchor >= this.fromMs)) {
      return {
        position: header.from - 1,
        problem: 'bad-range',
        message: `event ${header.from - 1} was recorded at ${header.anchorRecordedAt}, not before ${header.fromInstant}: the range starts too late`,
        line: 1,
      };
    }
    if (this.toMs !== null && nextRecordedAt !== null && Date.parse(nextRecordedAt) < this.toMs) {
      return {
        position: header.to + 1,
        problem: 'bad-range',
        message: `event ${header.to + 1} was recorded at ${nextRecordedAt}, before ${header.toInstant}: the range ends too early`,
        line,
      };
    }
    return undefined;
  }
}
