import { v7 as uuidv7 } from 'uuid';
import { type Actor, DenialAggregator, type DenialRecord, egressDenialStreamId } from '@mandate/domain';
import type { EventStore } from '@mandate/event-store';

/** One refused connection, the host in its canonical form. */
export interface EgressDenial {
  workspaceId: string;
  channelId: string;
  host: string;
  port: number;
  reason: string;
  rule: string;
}

type Detail = EgressDenial & { actor: Pick<Actor, 'kind' | 'id'>; correlationId: string };

export interface EgressDenialLogOptions {
  store: Pick<EventStore, 'append'>;
  nowMs: () => number;
  /** How often counted refusals whose minute has passed are looked for. */
  flushEveryMs?: number;
  windowMs?: number;
}

/**
 * Writes refused egress as `EgressDenied` events through a `DenialAggregator`, so a flood grows
 * the log by at most one event per (workspace, channel, host, port, rule) and minute: the first refusal
 * after a quiet minute is written before the refusal is answered; later ones are counted and
 * written as one event once their minute has passed, and whatever is still counted at `stop()` is
 * written then. A crash loses at most the counts of the last minute, never a key's first refusal.
 */
export class EgressDenialLog {
  private readonly aggregator: DenialAggregator<Detail>;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly options: EgressDenialLogOptions) {
    this.aggregator = new DenialAggregator<Detail>({ windowMs: options.windowMs });
  }

  start(): void {
    this.timer = setInterval(
      () => void this.flushDue(this.options.nowMs()),
      this.options.flushEveryMs ?? 5_000,
    );
    this.timer.unref();
  }

  /** Writes everything still counted (an orderly stop), after any flush under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flushing;
    await this.write(this.aggregator.drain());
  }

  /** Counts a refusal; resolves once it is durable if it opens a window, at once otherwise. */
  async record(
    actor: Pick<Actor, 'kind' | 'id'>,
    denial: EgressDenial,
    correlationId = uuidv7(),
  ): Promise<void> {
    // The rule is part of the key: a record names one reason, so a host refused first as not
    // allowlisted and then because the identity is disabled is two records, never one miscounted.
    const key = [denial.workspaceId, denial.channelId, denial.host, denial.port, denial.rule].join(' ');
    const record = this.aggregator.deny(
      {
        key,
        atMs: this.options.nowMs(),
        detail: { ...denial, actor: { kind: actor.kind, id: actor.id }, correlationId },
      },
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
      const { workspaceId, actor, correlationId, ...data } = detail;
      const occurredAt = new Date(lastAtMs).toISOString();
      await this.options.store.append(
        egressDenialStreamId(workspaceId, occurredAt),
        [
          {
            id: uuidv7(),
            type: 'EgressDenied',
            data: { ...data, count, firstAt: new Date(firstAtMs).toISOString(), callers },
            occurredAt,
            workspaceId,
            actor,
            metadata: { correlationId, causationId: null },
          },
        ],
        { expectedRevision: 'any' },
      );
    }
  }
}
