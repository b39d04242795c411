import type { Principal } from '@mandate/auth';
import type { AppConfig } from '@mandate/config';
import { accessRequestDecider, type AccessRequestEvent } from '@mandate/domain';
import { AccessRequestLimits } from './access-request.limits';
import type { AccessRequestEntry, AccessRequestsView } from './access-requests.view';

const now = new Date('2026-11-30T12:00:00.000Z');

/** A pending request in acme, asked by `by` (the pair the decider records). */
const pendingBy = (requestId: string, by: Pick<Principal, 'kind' | 'id'>): AccessRequestEntry => {
  const requested: AccessRequestEvent = {
    type: 'AccessRequested',
    data: {
      requestId,
      workspaceId: 'acme',
      channelId: 'eng',
      connector: 'github',
      actions: ['write'],
      resources: ['acme/api'],
      durationSeconds: 3600,
      reason: 'hotfix',
      ticket: null,
      requestedBy: by.id,
      requestedByKind: by.kind,
      invokedBy: null,
      mode: 'approval',
      policy: {
        approvers: [{ roles: ['approver'], principals: [] }],
        quorum: 1,
        maxDurationSeconds: 8 * 3600,
        approvalTimeoutSeconds: 24 * 3600,
        autoApproveUpToSeconds: null,
      },
      approvalDeadline: new Date(now.getTime() + 3600_000).toISOString(),
    },
  };
  return {
    requestId,
    workspaceId: 'acme',
    requestedAt: now.toISOString(),
    state: accessRequestDecider.evolve(accessRequestDecider.initialState(), requested),
  };
};

const limitsOver = (entries: AccessRequestEntry[], caughtUp = true) =>
  new AccessRequestLimits(
    {
      ACCESS_REQUEST_MAX_OPEN: 2,
      ACCESS_REQUEST_RATE_PER_MINUTE: 1,
      CHECK_MIN_POSITION_WAIT_MS: 10,
    } as AppConfig,
    { now: () => now },
    { openIn: () => entries, caughtUp: async () => caughtUp } as unknown as AccessRequestsView,
  );

const userRita: Principal = { kind: 'user', id: 'rita', scopes: [] };
const serviceRita: Principal = { kind: 'service', id: 'rita', scopes: ['access:request'] };

describe('access request limits count principals, (kind, subject)', () => {
  it('given user rita at the open-request quota, when the service rita asks for room, then it has some', async () => {
    const limits = limitsOver([pendingBy('r-1', userRita), pendingBy('r-2', userRita)]);

    await expect(limits.requireRoomFor(serviceRita, 'acme')).resolves.toBeUndefined();
    await expect(limits.requireRoomFor(userRita, 'acme')).rejects.toMatchObject({
      code: 'too-many-open-requests',
    });
  });

  it('given the service rita at the quota, when the user rita asks for room, then she has some', async () => {
    const limits = limitsOver([pendingBy('r-1', serviceRita), pendingBy('r-2', serviceRita)]);

    await expect(limits.requireRoomFor(userRita, 'acme')).resolves.toBeUndefined();
    await expect(limits.requireRoomFor(serviceRita, 'acme')).rejects.toMatchObject({
      code: 'too-many-open-requests',
    });
  });

  it('given a view that has not caught up with the log, when rita asks for room, then she is refused for now, not counted short', async () => {
    const limits = limitsOver([], false);

    await expect(limits.requireRoomFor(userRita, 'acme')).rejects.toMatchObject({
      code: 'position-not-reached',
      kind: 'conflict',
    });
  });

  it('given user rita at the posting rate, when the service rita posts, then it is admitted', async () => {
    const limits = limitsOver([]);
    await limits.admitPost(userRita, 'acme');

    await expect(limits.admitPost(serviceRita, 'acme')).resolves.toBeUndefined();
    await expect(limits.admitPost(userRita, 'acme')).rejects.toMatchObject({ code: 'rate-limited' });
  });
});
