import type { ActiveGrant } from '@mandate/domain';
import type { PermissionChange } from '@mandate/projections';
import type { Clock } from '../clock';

type Expiry = Extract<PermissionChange, { kind: 'grant-ended' }>;

/** setTimeout's limit; a stream ends long before (MAX_STREAM_SECONDS). */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * One stream's timers at the expiry of the grants it knows: the read model stops honouring a
 * grant at `expiresAt`, before the workflow's `AccessExpired` is written, so the watcher is told
 * then (a `grant-ended` change, reason `expired`, caused by `expiresAt`). A grant extended is
 * timed again; one ended is forgotten.
 */
export class GrantExpiryTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private workspaceId = '';

  constructor(
    private readonly clock: Clock,
    private readonly expired: (change: Omit<Expiry, 'position'>) => void,
  ) {}

  start(grants: Iterable<ActiveGrant>, workspaceId: string): void {
    this.workspaceId = workspaceId;
    for (const grant of grants) this.time(grant);
  }

  follow(change: PermissionChange): void {
    if (change.kind === 'grant-started' || change.kind === 'grant-extended') this.time(change);
    else if (change.kind === 'grant-ended') this.cancel(change.grantId);
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private time(grant: ActiveGrant): void {
    this.cancel(grant.grantId);
    const delay = Math.max(0, Date.parse(grant.expiresAt) - this.clock.now().getTime());
    if (delay > MAX_DELAY_MS) return;
    const { grantId, channelId, connector, actions, resources, expiresAt } = grant;
    const timer = setTimeout(() => {
      this.timers.delete(grantId);
      this.expired({
        kind: 'grant-ended',
        reason: 'expired',
        cause: 'expiresAt',
        workspaceId: this.workspaceId,
        grantId,
        channelId,
        connector,
        actions: [...actions],
        resources: [...resources],
        expiresAt,
      });
    }, delay);
    this.timers.set(grantId, timer);
  }

  private cancel(grantId: string): void {
    clearTimeout(this.timers.get(grantId));
    this.timers.delete(grantId);
  }
}
