import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@mandate/auth';
import type { AppConfig } from '@mandate/config';
import { DomainError, requesterOf, sameActor } from '@mandate/domain';
import { APP_CONFIG } from '../app.tokens';
import { CLOCK, type Clock } from '../clock';
import { CallerRateLimiter } from '../core/caller-rate.limiter';
import { IN_MEMORY_RATE_COUNTERS, RATE_COUNTERS, type RateCounters } from '../core/rate-counters';
import { AccessRequestsView } from './access-requests.view';

/**
 * What a low-privilege caller may cost: every access request is a workflow that waits up to its
 * approval timeout and an entry in each approver's inbox. So one principal may post only so many
 * per minute in a workspace (refused ones included: validation reads the log too), and hold only so
 * many pending at once. Over either, `429` with `Retry-After`. The rate is counted where the
 * configuration's counters are (PostgreSQL: one budget for every node); the open requests come from
 * the log, so every instance counts the same ones.
 */
@Injectable()
export class AccessRequestLimits {
  private readonly rate: CallerRateLimiter;
  private readonly maxOpen: number;
  private readonly catchUpWaitMs: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly view: AccessRequestsView,
    @Inject(RATE_COUNTERS) counters: RateCounters = IN_MEMORY_RATE_COUNTERS,
  ) {
    this.rate = new CallerRateLimiter(config.ACCESS_REQUEST_RATE_PER_MINUTE, 60, 'access requests', counters);
    this.maxOpen = config.ACCESS_REQUEST_MAX_OPEN;
    this.catchUpWaitMs = config.CHECK_MIN_POSITION_WAIT_MS;
  }

  /** One posted request, counted against the caller's rate in this workspace. */
  admitPost(principal: Principal, workspaceId: string): Promise<void> {
    return this.rate.admit(principal, workspaceId);
  }

  /**
   * Room for one more pending request of the caller's, counted once the view holds every request
   * the log holds (a request posted right after another must find that one counted; if the view
   * cannot catch up in time, the post is refused for now rather than counted short). When there is
   * no room, the earliest approval deadline among theirs says when one will have closed at the latest.
   */
  async requireRoomFor(principal: Principal, workspaceId: string): Promise<void> {
    if (!(await this.view.caughtUp(this.catchUpWaitMs))) {
      throw new DomainError(
        'conflict',
        'position-not-reached',
        'Open access requests are not yet counted up to the log’s head; retry shortly',
      );
    }
    const deadlines = this.view
      .openIn(workspaceId)
      .flatMap(({ state }) =>
        state.status === 'pending' && sameActor(requesterOf(state.request), principal)
          ? [Date.parse(state.round.approvalDeadline)]
          : [],
      );
    if (deadlines.length < this.maxOpen) return;
    const retryAfterSeconds = Math.max(
      1,
      Math.ceil((Math.min(...deadlines) - this.clock.now().getTime()) / 1000),
    );
    throw new DomainError(
      'too_many_requests',
      'too-many-open-requests',
      `The caller already has ${deadlines.length} pending access requests here (at most ${this.maxOpen}); cancel one or wait for a decision`,
      [],
      { open: deadlines.length, limit: this.maxOpen, retryAfterSeconds },
    );
  }
}
