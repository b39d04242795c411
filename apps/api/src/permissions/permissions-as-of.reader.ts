import { setTimeout as sleep } from 'node:timers/promises';
import type { AppConfig } from '@mandate/config';
import { DomainError } from '@mandate/domain';
import type { WorkspacePermissions } from '@mandate/projections';
import type { Clock } from '../clock';
import type { ProjectionService } from '../core/projection.service';
import { notFound } from './check-audience.policy';
import { type CheckRequest, MAX_BATCH_INSTANTS } from './permissions.schemas';

/** A workspace at an instant: the same key for every spelling of the instant. */
export const instantKey = (workspaceId: string, at: string) => `${workspaceId}@${Date.parse(at)}`;

export type AsOf = { permissions: WorkspacePermissions; position: number; nowMs: number };

/**
 * Which state of a workspace answers a check: now, as of an instant (replayed from history), or
 * once the projection has reached the position the caller wrote at.
 */
export class PermissionsAsOfReader {
  constructor(
    private readonly projections: ProjectionService,
    private readonly config: Pick<AppConfig, 'CHECK_MIN_POSITION_WAIT_MS'>,
    private readonly clock: Clock,
  ) {}

  /**
   * Authorization comes before any wait for `minPosition`: an outsider is refused at once, so the
   * position it names tells it nothing (neither the 409 naming the head nor how long a wait takes).
   * A refusal is only final once the projection holds the log's head, so a role or a binding
   * written just before still holds (as for the routes' role resolver); on a replica, once it holds
   * `minPosition` too, the one head of the log it may not have seen (`ProjectionService.reachHead`).
   * That wait ends when the replica reaches the position, so a caller still refused is refused at
   * the end of the bounded wait, reached or not: its timing tells an outsider nothing of the log's
   * position. Callers authorize again after waiting.
   */
  admit<T>(
    decide: () => T,
    admitted: (value: T) => boolean = () => true,
    minPosition?: number,
  ): T | Promise<T> {
    try {
      const value = decide();
      if (admitted(value)) return value;
    } catch (error) {
      if (!(error instanceof DomainError) || (error.kind !== 'not_found' && error.kind !== 'forbidden')) {
        throw error;
      }
    }
    const deadline = performance.now() + this.config.CHECK_MIN_POSITION_WAIT_MS;
    const padded = this.projections.replicated && (minPosition ?? 0) > 0;
    const refusedAtDeadline = () => sleep(Math.max(0, deadline - performance.now()));
    return this.projections.reachHead(minPosition).then(async () => {
      let value: T;
      try {
        value = decide();
      } catch (error) {
        if (padded) await refusedAtDeadline();
        throw error;
      }
      if (padded && !admitted(value)) await refusedAtDeadline();
      return value;
    });
  }

  /**
   * One state per distinct (workspace, instant) of a batch, however many checks name it, and no
   * more than MAX_BATCH_INSTANTS of them: each may cost a replay of the workspace's history.
   */
  atInstants(checks: readonly CheckRequest[]): Map<string, Promise<AsOf>> {
    const keys = new Set<string>();
    for (const check of checks) if (check.at !== undefined) keys.add(instantKey(check.workspaceId, check.at));
    if (keys.size > MAX_BATCH_INSTANTS) {
      const message = `A batch may ask about at most ${MAX_BATCH_INSTANTS} distinct instants (at); this one names ${keys.size}`;
      throw new DomainError('validation', 'too-many-instants', message, [{ path: 'body.checks', message }], {
        maxInstants: MAX_BATCH_INSTANTS,
      });
    }
    const states = new Map<string, Promise<AsOf>>();
    for (const check of checks) {
      if (check.at === undefined) continue;
      const key = instantKey(check.workspaceId, check.at);
      if (!states.has(key)) states.set(key, this.asOf(check.workspaceId, check.at));
    }
    return states;
  }

  async asOf(workspaceId: string, at: string | undefined): Promise<AsOf> {
    const { projection, history } = this.projections;
    if (at === undefined) {
      const permissions = projection.workspace(workspaceId);
      if (permissions === undefined) throw notFound('workspace');
      return { permissions, position: projection.position, nowMs: this.clock.now().getTime() };
    }
    const nowMs = Date.parse(at);
    return { ...(await history.asOf(workspaceId, nowMs)), nowMs };
  }

  /**
   * Undefined when the projection already holds `minPosition`; otherwise waits (bounded) for it
   * and refuses with 409 and the current position if it does not arrive in time.
   */
  reach(minPosition: number | undefined): Promise<void> | undefined {
    const { projection, runner } = this.projections;
    if (minPosition === undefined || minPosition <= projection.position) return undefined;
    return runner.waitForPosition(minPosition, this.config.CHECK_MIN_POSITION_WAIT_MS).then((reached) => {
      if (reached) return;
      const position = projection.position;
      throw new DomainError(
        'conflict',
        'position-not-reached',
        `The projection is at position ${position}, not yet at ${minPosition}; retry shortly`,
        [{ path: 'minPosition', message: `current position is ${position}` }],
        { position, minPosition },
      );
    });
  }
}
