import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { accessRequestDecider, type Actor, isDomainError } from '@mandate/domain';
import type { EventStore, RecordedEvent } from '@mandate/event-store';
import type { Logger } from '@mandate/observability';
import { cancelUpdate, jitUpdateCommands } from '@mandate/workflows';
import { LOGGER } from '../app.tokens';
import { foldHistory } from '../core/command-runner';
import { ProjectionService } from '../core/projection.service';
import { EVENT_STORE } from '../event-store/event-store.module';
import { locateRequest } from './access-request-location';
import { AccessRequestsView } from './access-requests.view';
import { JitWorkflowRunner } from './jit-workflow.runner';

/**
 * Who cancels on the kill switch's behalf. The worker's authoritative step admits a cancel by the
 * system only while the log holds the request's workspace or channel disabled.
 */
export const KILL_SWITCH_ACTOR: Actor = { kind: 'system', id: 'kill-switch' };

/** How long the requests view may lag behind the switch before the reactor looks anyway. */
const VIEW_WAIT_MS = 2_000;

interface SwitchedOff {
  workspaceId: string;
  /** Undefined: the whole workspace. */
  channelId?: string;
  /** What the cancelled requests' records say. */
  comment: string;
}

const switchComment = (channelId: string | undefined, reason: string): string =>
  `The agent identity was disabled in this ${channelId === undefined ? 'workspace' : 'channel'}: ${reason}`;

function switchedOff(event: RecordedEvent): SwitchedOff | undefined {
  const data = event.data as { channelId?: string; reason: string };
  if (event.type === 'AgentIdentityDisabled') {
    return { workspaceId: event.workspaceId, comment: switchComment(undefined, data.reason) };
  }
  if (event.type === 'ChannelAgentIdentityDisabled') {
    const { channelId } = data;
    return { workspaceId: event.workspaceId, channelId, comment: switchComment(channelId, data.reason) };
  }
  return undefined;
}

/**
 * Pending JIT requests die with the identity: on each disable event, every request of that scope
 * still awaiting approval is cancelled through the request's own workflow (the same signed
 * `cancel` update a requester sends), recorded as `AccessRequestCancelled` by the system with the
 * switch's reason. New requests, approvals and extensions are refused while disabled
 * (`identity-disabled`), so nothing pending reappears.
 *
 * Follows the log from its head at boot, after one look at what the log already holds: a scope
 * disabled while no API ran (another node, a restore) has its pending requests cancelled then.
 */
@Injectable()
export class KillSwitchReactor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly view: AccessRequestsView,
    private readonly workflows: JitWorkflowRunner,
    private readonly projections: ProjectionService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const head = await this.store.headPosition();
    this.running = this.cancelInScopesDisabledAt(head)
      .then(() => this.follow(head + 1))
      .catch((error: unknown) => {
        if (!this.abort.signal.aborted) this.logger.error({ err: error }, 'kill switch reactor stopped');
      });
  }

  /** Pending requests of every scope the log holds disabled at `head`, cancelled as on the switch. */
  private async cancelInScopesDisabledAt(head: number): Promise<void> {
    await Promise.all([
      this.view.reached(head, VIEW_WAIT_MS),
      this.projections.runner.waitForPosition(head, VIEW_WAIT_MS),
    ]);
    for (const workspaceId of this.view.workspacesWithOpenRequests()) {
      const compiled = this.projections.projection.workspace(workspaceId)?.compiled;
      if (compiled === undefined) continue;
      if (compiled.disabled !== undefined) {
        await this.cancelPending({ workspaceId, comment: compiled.disabled.reason });
        continue;
      }
      const channels = new Set(
        this.view
          .openIn(workspaceId)
          .flatMap(({ state }) => (state.status === 'absent' ? [] : [state.request.channelId])),
      );
      for (const channelId of channels) {
        const disabled = compiled.channels.get(channelId)?.disabled;
        if (disabled !== undefined)
          await this.cancelPending({ workspaceId, channelId, comment: disabled.reason });
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async follow(fromPosition: number): Promise<void> {
    for await (const event of this.store.subscribe({ fromPosition, signal: this.abort.signal })) {
      const off = switchedOff(event);
      if (off === undefined) continue;
      await this.view.reached(event.globalPosition, VIEW_WAIT_MS);
      await this.cancelPending(off);
    }
  }

  /** Cancels the scope's pending requests; one that moved on meanwhile is left as it is. */
  async cancelPending({ workspaceId, channelId, comment }: SwitchedOff): Promise<number> {
    const pending = this.view
      .openIn(workspaceId)
      .filter(
        ({ state }) =>
          state.status === 'pending' && (channelId === undefined || state.request.channelId === channelId),
      );
    let cancelled = 0;
    for (const { requestId } of pending) {
      try {
        const location = await locateRequest(this.store, workspaceId, requestId);
        if (location === undefined) continue;
        const state = foldHistory(accessRequestDecider, location.events);
        if (state.status !== 'pending') continue;
        await this.workflows.send(
          { workflowId: location.workflowId, state },
          cancelUpdate,
          jitUpdateCommands.cancel,
          {
            actor: KILL_SWITCH_ACTOR,
            callerRoles: [],
            comment,
          },
        );
        cancelled++;
      } catch (error) {
        // Approved, denied or timed out in between: nothing is left pending.
        if (isDomainError(error) && error.code === 'request-closed') continue;
        this.logger.warn({ err: error, workspaceId, requestId }, 'kill switch could not cancel a request');
      }
    }
    if (cancelled > 0)
      this.logger.info({ workspaceId, channelId, cancelled }, 'kill switch cancelled requests');
    return cancelled;
  }
}
