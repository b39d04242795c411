import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import type { Principal } from '@mandate/auth';
import {
  type BoundaryDecision,
  decideMemoryUpdate,
  DomainError,
  type MemoryUpdateCommand,
  memoryUpdateDecider,
  memoryUpdateStreamId,
  parseKeyDigest,
} from '@mandate/domain';
import { type EventStore } from '@mandate/event-store';
import { CLOCK, type Clock } from '../clock';
import { CallerRateLimiter } from '../core/caller-rate.limiter';
import { RATE_COUNTERS, type RateCounters } from '../core/rate-counters';
import { CommandRunner } from '../core/command-runner';
import { ProjectionService } from '../core/projection.service';
import { locateIssues } from '../core/refusal-location';
import { EVENT_STORE } from '../event-store/event-store.module';
import type { RecordMemoryUpdateBody } from './memory-updates.schemas';

/** Namespace of update ids: the id of (workspace, key) is the same on every retry and replica. */
const UPDATE_ID_NAMESPACE = '8f0c6a52-3b1e-4d7f-a9c4-6e2b1d0f5a37';

/** Updates one runtime may report per workspace and second: an agent's steps, not a flood. */
export const MEMORY_UPDATES_PER_SECOND = 100;

/** The recorded answer, identical for every call with the same idempotency key. */
export type MemoryUpdateAnswer = BoundaryDecision & {
  updateId: string;
  idempotencyKey: string;
  /** Log position of the record. */
  position: number;
};

/**
 * Records the agent's memory updates (digest, size, who asked; never content), each decided by the
 * write rules first: a refused one is recorded as `MemoryUpdateDenied` and answered 403. Each
 * (workspace, key) is its own one-event stream, so retries land on the record and nothing grows
 * without bound; each runtime is rate limited per workspace.
 */
@Injectable()
export class MemoryUpdatesService {
  private readonly rate: CallerRateLimiter;

  constructor(
    private readonly commands: CommandRunner,
    private readonly projections: ProjectionService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RATE_COUNTERS) counters: RateCounters,
  ) {
    this.rate = new CallerRateLimiter(MEMORY_UPDATES_PER_SECOND, 1, 'memory updates', counters);
  }

  async record(
    principal: Principal,
    workspaceId: string,
    channelId: string,
    { idempotencyKey, keyDigest, ...body }: RecordMemoryUpdateBody,
  ): Promise<{ answer: MemoryUpdateAnswer; replayed: boolean }> {
    await this.rate.admit(principal, workspaceId);
    const update = { channelId, ...body, keyDigest: this.digest(keyDigest) };
    const streamId = memoryUpdateStreamId(workspaceId, idempotencyKey);
    const at = this.clock.now();
    const prior = await this.commands.fold(memoryUpdateDecider, streamId);
    // A retry keeps the first answer, so the rules are only asked for a new key.
    const decision =
      prior.state.status === 'absent' ? await this.decide(workspaceId, update) : prior.state.decision;
    const outcome = await this.commands.run(
      memoryUpdateDecider,
      streamId,
      (context): MemoryUpdateCommand => ({
        type: 'RecordMemoryUpdate',
        updateId: uuidv5(`${workspaceId}/${idempotencyKey}`, UPDATE_ID_NAMESPACE),
        idempotencyKey,
        update,
        decision,
        ...context,
      }),
      { workspaceId, principal, at, issuesIn: 'body' },
    );
    const answer = await this.answer(streamId);
    if (!answer.allowed) {
      throw new DomainError('forbidden', 'memory-write-denied', answer.reason, [], { ...answer });
    }
    return { answer, replayed: outcome.events.length === 0 };
  }

  private digest(text: string): string {
    try {
      return parseKeyDigest(text);
    } catch (error) {
      throw locateIssues(error, 'body');
    }
  }

  /** Against the projection at the log's head: a record is for good, so never from a stale view. */
  private async decide(
    workspaceId: string,
    update: { channelId: string; namespace: string; invokedBy: string },
  ): Promise<BoundaryDecision> {
    await this.projections.requireHead();
    const workspace = this.projections.projection.workspace(workspaceId);
    if (workspace === undefined)
      throw new DomainError('not_found', 'workspace-not-found', 'Workspace not found');
    if (!workspace.compiled.channels.has(update.channelId)) {
      throw new DomainError('not_found', 'channel-not-found', 'Channel not found');
    }
    return decideMemoryUpdate(workspace.compiled, update);
  }

  private async answer(streamId: string): Promise<MemoryUpdateAnswer> {
    const [recorded] = await this.store.readStream(streamId, { limit: 1 });
    if (recorded === undefined)
      throw new DomainError('not_found', 'memory-update-not-found', 'No such update');
    const { updateId, idempotencyKey, decision } = recorded.data as {
      updateId: string;
      idempotencyKey: string;
      decision: BoundaryDecision;
    };
    return { ...decision, updateId, idempotencyKey, position: recorded.globalPosition };
  }
}
