import { existsSync, readFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { exportText, exportTextAsync, type ExportFormat } from '@mandate/audit';
import type { AppConfig } from '@mandate/config';
import { DomainError } from '@mandate/domain';
import {
  auditFiles,
  type AuditFiles,
  loadCheckpointSigningKey,
  SignedCheckpointStore,
  isAppEventStore,
  SqliteStoredEvents,
  type StoredEventSource,
  verifyEventLog,
  type ChainVerification,
  type EventStore,
  type SignedCheckpoint,
  type StoredEvent,
} from '@mandate/event-store';
import { APP_CONFIG } from '../app.tokens';
import { CLOCK, type Clock } from '../clock';
import { EVENT_STORE } from '../event-store/event-store.tokens';
import { AuditIndexService } from './audit-index.service';

export interface AuditVerifyReport {
  ok: boolean;
  /** Positions whose hash and link were verified. */
  verified: { from: number; through: number };
  head: number;
  firstBad: ChainVerification['firstBad'] | null;
  /** The newest signed checkpoint, and whether this verification matched it against the log. */
  latestCheckpoint: (SignedCheckpoint & { verified: boolean }) | null;
  checkpointsChecked: number;
  durationMs: number;
}

/** A boundary given as an instant, in the UTC form `recordedAt` is stored in (compared as text). */
const instantOf = (value: number | string | undefined): string | null =>
  typeof value === 'string' ? new Date(value).toISOString() : null;

/** Events verified between two turns of the event loop: requests keep being served meanwhile. */
const VERIFY_SLICE = 5_000;

async function* yielding(events: Iterable<StoredEvent>, every: number): AsyncGenerator<StoredEvent> {
  let count = 0;
  for (const event of events) {
    yield event;
    if (++count % every === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * Reads the log as stored, through its own read-only connection (a long read must not hold the
 * writer's connection): the whole-log verification and workspace exports.
 */
@Injectable()
export class AuditLogService {
  private verifying: Promise<AuditVerifyReport> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly audit: AuditIndexService,
  ) {}

  /** Verifies the whole chain; concurrent callers share one run. */
  verify(): Promise<AuditVerifyReport> {
    this.verifying ??= this.runVerification().finally(() => {
      this.verifying = null;
    });
    return this.verifying;
  }

  /** The workspace's export as a stream of text chunks (constant memory). */
  async export(
    workspaceId: string,
    format: ExportFormat,
    from?: number | string,
    to?: number | string,
  ): Promise<Readable> {
    const networked = this.config.EVENT_STORE !== 'sqlite' && isAppEventStore(this.store) ? this.store : null;
    const files = networked ? auditFiles(this.config) : this.files();
    const head = await this.store.headPosition();
    const [fromInstant, toInstant] = [instantOf(from), instantOf(to)];
    const last = Math.min(head, this.resolve(to, toInstant, head, 'to'));
    // An empty range still exports a header and a seal (from = to + 1), linked to the event before it.
    const first = Math.min(Math.max(1, this.resolve(from, fromInstant, 1, 'from')), Math.max(last, 0) + 1);
    const key = loadCheckpointSigningKey({
      path: this.config.CHECKPOINT_SIGNING_KEY_PATH,
      dataDir: this.config.DATA_DIR,
      production: this.config.NODE_ENV === 'production',
    });
    const options = {
      workspaceId,
      from: first,
      to: last,
      fromInstant,
      toInstant,
      checkpoints: SignedCheckpointStore.readAll(files.checkpoints),
      key,
      format,
      exportedAt: this.clock.now().toISOString(),
    };
    // PostgreSQL, EventStoreDB: read page by page through the store. SQLite: the file through a read-only
    // connection of its own, synchronously (a long read must not hold the writer's connection).
    if (networked) return Readable.from(exportTextAsync(networked, options), { objectMode: false });
    const log = new SqliteStoredEvents(files.events);
    const stream = Readable.from(exportText(log, options), { objectMode: false });
    stream.once('close', () => log.close());
    return stream;
  }

  private async runVerification(): Promise<AuditVerifyReport> {
    const { files, source, head: headOf, close } = this.storedLog();
    const checkpoints = SignedCheckpointStore.readAll(files.checkpoints);
    const publicKey = existsSync(files.signingKey)
      ? createPublicKey(readFileSync(files.signingKey))
      : undefined;
    const started = performance.now();
    try {
      const head = await headOf();
      const result = await verifyEventLog(source, {
        to: head,
        checkpoints: publicKey ? checkpoints : [],
        publicKey,
      });
      const latest = checkpoints.at(-1) ?? null;
      return {
        ok: result.ok,
        verified: { from: result.from, through: result.verifiedThrough },
        head,
        firstBad: result.firstBad ?? null,
        latestCheckpoint: latest && {
          ...latest,
          verified: result.lastCheckpoint?.position === latest.position,
        },
        checkpointsChecked: result.checkpointsChecked,
        durationMs: Math.round(performance.now() - started),
      };
    } finally {
      close();
    }
  }

  /**
   * The log as stored: a networked store (PostgreSQL, EventStoreDB) through the store itself, the
   * SQLite file through a read-only connection of its own (a long read must not hold the writer's).
   */
  private storedLog(): {
    files: AuditFiles;
    source: StoredEventSource;
    head(): Promise<number>;
    close(): void;
  } {
    const store = this.store;
    if (this.config.EVENT_STORE !== 'sqlite' && isAppEventStore(store)) {
      return {
        files: auditFiles(this.config),
        source: store,
        head: () => store.headPosition(),
        close: () => {},
      };
    }
    const files = this.files();
    const log = new SqliteStoredEvents(files.events);
    return {
      files,
      source: { readStored: (from) => yielding(log.readStored(from), VERIFY_SLICE) },
      head: async () => log.head()?.position ?? 0,
      close: () => log.close(),
    };
  }

  /** A boundary given as a position, or an instant resolved to the first position recorded at or after it. */
  private resolve(
    value: number | string | undefined,
    instant: string | null,
    fallback: number,
    side: 'from' | 'to',
  ): number {
    if (value === undefined) return fallback;
    if (instant === null) return Number(value);
    const position = this.audit.index.firstPositionRecordedAtOrAfter(instant);
    return side === 'from' ? position : position - 1;
  }

  private files() {
    const files = auditFiles(this.config);
    if (this.config.EVENT_STORE !== 'sqlite' || !existsSync(files.events)) {
      throw new DomainError(
        'unprocessable',
        'audit-log-unavailable',
        'The log file this export reads is not on this node.',
      );
    }
    return files;
  }
}
