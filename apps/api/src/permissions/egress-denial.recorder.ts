import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { Principal } from '@mandate/auth';
import { DenialAggregator, type DenialRecord, egressDenialStreamId } from '@mandate/domain';
import type { EventStore } from '@mandate/event-store';
import { currentRequestId } from '@mandate/observability';
import { CLOCK, type Clock } from '../clock';
import { EVENT_STORE } from '../event-store/event-store.module';

/** One refused egress check, as the check path saw it (the host in its canonical form). */
export interface EgressDenial {
  workspaceId: string;
  channelId: string;
  host: string;
  port: number;
  reason: string;
  rule: string;
}

type Detail = EgressDenial & { actor: Pick<Principal, 'kind' | 'id'> };

/** How often counted refusals whose minute has passed are looked for. */
const FLUSH_EVERY_MS = 5_000;

/**
 * Writes refused egress checks as `EgressDenied` events through a `DenialAggregator`: the first
 * refusal of a (workspace, channel, host, port) after a quiet minute is written before the check
 * answers; later ones are counted and written as one event when their minute has passed (checked
 * every 5 s), and whatever is still counted when the API stops is written before the store closes.
 * A crash loses at most the counts of the last minute, never the first refusal of a key.
 */
@Injectable()
export class EgressDenialRecorder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly aggregator = new DenialAggregator<Detail>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flushDue(this.clock.now().getTime()), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flushing;
    await this.write(this.aggregator.drain());
  }

  /** Counts a refusal; resolves once it is durable if it opens a window, at once otherwise. */
  async record(principal: Principal, denial: EgressDenial): Promise<void> {
    const nowMs = this.clock.now().getTime();
    const key = [denial.workspaceId, denial.channelId, denial.host, denial.port].join(' ');
    const actor = { kind: principal.kind, id: principal.id };
    const record = this.aggregator.deny(
      { key, atMs: nowMs, detail: { ...denial, actor } },
      `${actor.kind}:${actor.id}`,
    );
    if (record) await this.write([record]);
  }

  /** Writes the counts whose minute has passed (the timer's work; tests call it with their clock). */
  flushDue(nowMs: number): Promise<void> {
    this.flushing = this.flushing.then(() => this.write(this.aggregator.due(nowMs)));
    return this.flushing;
  }

  private async write(records: DenialRecord<Detail>[]): Promise<void> {
    for (const { detail, count, firstAtMs, lastAtMs, callers } of records) {
      const { workspaceId, actor, ...data } = detail;
      const occurredAt = new Date(lastAtMs).toISOString();
      await this.store.append(
        egressDenialStreamId(workspaceId, occurredAt),
        [
          {
            id: uuidv7(),
            type: 'EgressDenied',
            data: { ...data, count, firstAt: new Date(firstAtMs).toISOString(), callers },
            occurredAt,
            workspaceId,
            actor,
            metadata: { correlationId: currentRequestId() ?? uuidv7(), causationId: null },
          },
        ],
        { expectedRevision: 'any' },
      );
    }
  }
}
