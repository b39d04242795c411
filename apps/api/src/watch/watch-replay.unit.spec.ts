import {
  EffectivePermissionsProjection,
  type PermissionChange,
  permissionChangeOf,
} from '@mandate/projections';
import { IdentityLog, openTestStore } from '../../../../libs/projections/test/identity-log';
import { replayChanges } from './watch-replay';

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
const grantOf = (grantId: string, channelId = 'eng') => ({
  grantId,
  channelId,
  connector: 'github',
  actions: ['write'],
  resources: [`acme/${grantId}`],
  expiresAt: inAnHour(),
});

describe('replayChanges (a resumed watch stream)', () => {
  it('from any position, tells exactly the changes the live stream told after it', async () => {
    // given a log of channel changes and grants started, extended, revoked and expired, in two workspaces,
    // and the changes a live projection told as it applied them
    const store = openTestStore();
    const log = new IdentityLog(store);
    await log.createWorkspace('acme');
    await log.createWorkspace('globex', 'gina', 'Globex');
    await log.channel('acme', 'olivia', {
      type: 'CreateChannel',
      channelId: 'eng',
      workspaceId: 'acme',
      name: 'eng',
      visibility: 'public',
    });
    await log.grant('acme', grantOf('g1'));
    await log.grant('globex', { ...grantOf('x1'), requestId: 'x1' });
    await log.grant('acme', grantOf('g2'));
    await log.extendGrant('acme', 'g1', inAnHour());
    await log.channel('acme', 'olivia', {
      type: 'RestrictChannel',
      channelId: 'eng',
      rule: { id: 'r1', connector: 'github', actions: ['write'], resources: ['acme/infra'] },
    });
    await log.revokeGrant('acme', 'g1');
    await log.expireGrant('acme', 'g2', inAnHour());
    await log.revokeGrant('acme', 'g2'); // already ended: changes nothing
    const live: PermissionChange[] = [];
    const projection = new EffectivePermissionsProjection();
    projection.observe({
      beforeApply: (event, grants) => {
        const change = event.workspaceId === 'acme' ? permissionChangeOf(event, grants) : undefined;
        if (change) live.push(change);
      },
      afterPage: () => undefined,
    });
    const events = await store.readAll();
    projection.applyPage(events);
    const head = projection.position;

    // when a stream resumes after each position of the log
    for (let after = 0; after <= head; after++) {
      const replayed: PermissionChange[] = [];
      const complete = await replayChanges(
        store,
        'acme',
        { after, upTo: head },
        (c) => replayed.push(...c),
        () => false,
      );

      // then it tells what the live stream told after that position, no more, no less
      expect({ after, complete, replayed }).toEqual({
        after,
        complete: true,
        replayed: live.filter((change) => change.position > after),
      });
    }
    // (and the log did exercise every kind: the revocation of an expired grant told nothing)
    expect(live.filter((change) => change.kind.startsWith('grant-'))).toEqual([
      expect.objectContaining({ kind: 'grant-started', grantId: 'g1' }),
      expect.objectContaining({ kind: 'grant-started', grantId: 'g2' }),
      expect.objectContaining({ kind: 'grant-extended', grantId: 'g1' }),
      expect.objectContaining({ kind: 'grant-ended', grantId: 'g1', reason: 'revoked' }),
      expect.objectContaining({ kind: 'grant-ended', grantId: 'g2', reason: 'expired' }),
    ]);
    await store.close();
  });
});
