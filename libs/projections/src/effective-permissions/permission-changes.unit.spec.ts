import type { ActiveGrant } from '@mandate/domain';
import type { RecordedEvent } from '@mandate/event-store';
import { EffectivePermissionsProjection } from './effective-permissions.projection';
import { type PermissionChange, permissionChangeOf } from './permission-changes';

const event = (globalPosition: number, type: string, data: object, workspaceId = 'acme'): RecordedEvent =>
  ({
    id: `e-${globalPosition}`,
    type,
    streamId: `stream-${globalPosition}`,
    streamVersion: 1,
    globalPosition,
    workspaceId,
    data,
    recordedAt: '2026-01-01T00:00:00.000Z',
  }) as unknown as RecordedEvent;

const grant: ActiveGrant = {
  grantId: 'g-1',
  channelId: 'eng',
  connector: 'github',
  actions: ['write'],
  resources: ['acme/*'],
  expiresAt: '2026-01-01T01:00:00.000Z',
};
const granted = (position: number) =>
  event(position, 'AccessGranted', {
    ...grant,
    requestId: 'r-1',
    workspaceId: 'acme',
    grantedAt: '2026-01-01T00:00:00.000Z',
    approvers: ['bob'],
    mode: 'standard',
  });
const held = () => grant;
const none = () => undefined;
const scope = {
  channelId: 'eng',
  grantId: 'g-1',
  connector: 'github',
  actions: ['write'],
  resources: ['acme/*'],
};

describe('permissionChangeOf (what an applied event changed, for the watch stream)', () => {
  it('a workspace, agent identity or bundle event changes every channel of its workspace', () => {
    expect(permissionChangeOf(event(3, 'MemberRoleGranted', { principalId: 'p' }), none)).toEqual({
      kind: 'workspace',
      position: 3,
      workspaceId: 'acme',
      cause: 'MemberRoleGranted',
    });
  });

  it('a channel event changes that channel only', () => {
    expect(permissionChangeOf(event(4, 'ChannelRestrictionAdded', { channelId: 'eng' }), none)).toEqual({
      kind: 'channel',
      position: 4,
      workspaceId: 'acme',
      cause: 'ChannelRestrictionAdded',
      channelId: 'eng',
    });
  });

  it('a grant starting names its channel, patterns and expiry', () => {
    expect(permissionChangeOf(granted(5), none)).toEqual({
      kind: 'grant-started',
      position: 5,
      workspaceId: 'acme',
      cause: 'AccessGranted',
      ...scope,
      expiresAt: grant.expiresAt,
    });
  });

  it('a revocation or expiry of a held grant ends it with the patterns it covered; an extension moves its expiry', () => {
    const revoked = permissionChangeOf(event(6, 'AccessRevoked', { grantId: 'g-1', reason: 'x' }), held);
    const expired = permissionChangeOf(event(7, 'AccessExpired', { grantId: 'g-1' }), held);
    const extended = permissionChangeOf(
      event(8, 'AccessExtended', { grantId: 'g-1', newExpiresAt: '2026-01-01T02:00:00.000Z' }),
      held,
    );

    expect([revoked, expired, extended]).toEqual([
      expect.objectContaining({ kind: 'grant-ended', reason: 'revoked', position: 6, ...scope }),
      expect.objectContaining({ kind: 'grant-ended', reason: 'expired', position: 7, ...scope }),
      expect.objectContaining({ kind: 'grant-extended', expiresAt: '2026-01-01T02:00:00.000Z', ...scope }),
    ]);
  });

  it('an event about a grant the projection no longer holds, or one it ignores, changes nothing', () => {
    expect(
      permissionChangeOf(event(9, 'AccessRevoked', { grantId: 'g-1', reason: 'x' }), none),
    ).toBeUndefined();
    expect(permissionChangeOf(event(10, 'AccessRequested', { requestId: 'r-2' }), held)).toBeUndefined();
  });

  it('the projection tells an observer each event with the grants as held before it is applied', () => {
    // given a projection holding a grant, observed
    const projection = new EffectivePermissionsProjection();
    projection.apply(granted(1));
    const changes: PermissionChange[] = [];
    const pages: number[] = [];
    projection.observe({
      beforeApply: (applied, grantOf) => {
        const change = permissionChangeOf(applied, grantOf);
        if (change) changes.push(change);
      },
      afterPage: (position) => pages.push(position),
    });

    // when a page revokes it (and repeats an old event)
    projection.applyPage([granted(1), event(2, 'AccessRevoked', { grantId: 'g-1', reason: 'x' })]);

    // then the revocation names the grant's scope although the projection has dropped it
    expect(changes).toEqual([expect.objectContaining({ kind: 'grant-ended', position: 2, ...scope })]);
    expect(pages).toEqual([2]);
  });
});
