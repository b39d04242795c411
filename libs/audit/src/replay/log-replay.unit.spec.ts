import fc from 'fast-check';
import { isDomainError } from '@mandate/domain';
import { EffectivePermissionsProjection, PermissionsHistory } from '@mandate/projections';
import { IdentityLog, openTestStore } from '../../../projections/test/identity-log';
import { whoCouldAccess, type AccessQuestion } from '../access/who-could-access';
import { auditSchemas } from '../../test/audit-events';
import { replayLog, replayStoredLog } from './log-replay';
import { emptyProjection } from './replayable-projections';

const WS = 'acme';
const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const minute = (n: number) => T0 + n * 60_000;
const channels = ['eng', 'ops'] as const;
const resources = ['acme/api', 'acme/*', 'acme/**'] as const;
const actions = ['read', 'write'] as const;

const rule = fc.record({
  id: fc.constantFrom('r1', 'r2'),
  connector: fc.constant('github'),
  actions: fc.subarray([...actions], { minLength: 1 }),
  resources: fc.subarray([...resources], { minLength: 1 }),
});
const step = fc.oneof(
  fc.record({ kind: fc.constant('baseline' as const), rules: fc.array(rule, { maxLength: 2 }) }),
  fc.record({
    kind: fc.constantFrom('extend' as const, 'restrict' as const),
    channelId: fc.constantFrom(...channels),
    rule,
  }),
  fc.record({
    kind: fc.constant('grant' as const),
    grantId: fc.constantFrom('g1', 'g2'),
    channelId: fc.constantFrom(...channels),
    rule,
    minutes: fc.integer({ min: 1, max: 30 }),
  }),
  fc.record({ kind: fc.constant('revoke' as const), grantId: fc.constantFrom('g1', 'g2') }),
);
type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;

async function run(log: IdentityLog, command: Step, now: number): Promise<void> {
  switch (command.kind) {
    case 'baseline':
      await log.baseline(WS, 'olivia', { connections: command.rules.map((r) => ({ ...r, account: 'bot' })) });
      return;
    case 'extend':
    case 'restrict':
      await log.channel(WS, 'olivia', {
        type: command.kind === 'extend' ? 'ExtendChannel' : 'RestrictChannel',
        channelId: command.channelId,
        rule: command.rule,
      });
      return;
    case 'grant':
      await log.grant(WS, {
        grantId: command.grantId,
        channelId: command.channelId,
        connector: 'github',
        actions: command.rule.actions,
        resources: command.rule.resources,
        expiresAt: new Date(now + command.minutes * 60_000).toISOString(),
      });
      return;
    case 'revoke':
      await log.revokeGrant(WS, command.grantId);
      return;
  }
}

const questions: AccessQuestion[] = ['acme/api', 'acme/api/wiki'].flatMap((resource) =>
  actions.map((action) => ({ connector: 'github', action, resource })),
);

describe('replayLog', () => {
  it('given random histories, when replaying to an instant and checking each channel there, then the answers are audit/access at that instant', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 15 }), fc.nat(), async (steps, pick) => {
        let now = T0;
        const store = openTestStore({ clock: () => new Date(now) });
        const log = new IdentityLog(store, () => new Date(now));
        try {
          await log.workspace(WS, 'olivia', {
            type: 'CreateWorkspace',
            workspaceId: WS,
            name: 'Acme',
            actorIsPlatformAdmin: true,
          });
          for (const command of steps) {
            now += 60_000;
            for (const channelId of channels) {
              await log
                .channel(WS, 'olivia', {
                  type: 'CreateChannel',
                  channelId,
                  workspaceId: WS,
                  name: channelId,
                  visibility: 'public',
                })
                .catch(() => undefined);
            }
            await run(log, command, now).catch((error: unknown) => {
              if (!isDomainError(error)) throw error;
            });
          }
          const live = new EffectivePermissionsProjection();
          for (const event of await store.readAll()) live.apply(event);
          const history = new PermissionsHistory(store, live);
          // Any whole minute of the history, and between two of them.
          const at = minute(pick % (steps.length + 1)) + (pick % 2) * 30_000;

          const replayed = emptyProjection('effective-permissions');
          await replayLog(store, replayed, { to: { instant: new Date(at).toISOString() } });
          const asOf = await history.asOf(WS, at);

          if (replayed.name !== 'effective-permissions') throw new Error('unexpected projection');
          const channelIds = [...(replayed.projection.workspace(WS)?.compiled.channels.keys() ?? [])].sort();
          for (const question of questions) {
            expect(whoCouldAccess(asOf.permissions.compiled, question, at)).toEqual(
              channelIds.map((channelId) => ({
                channelId,
                decision: replayed.projection.check(WS, { channelId, ...question }, at),
              })),
            );
          }
        } finally {
          await store.close();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('given a log, when replaying to a position and then to the end, then the state hash equals a full rebuild', async () => {
    const store = openTestStore();
    const log = new IdentityLog(store);
    await log.workspace(WS, 'olivia', {
      type: 'CreateWorkspace',
      workspaceId: WS,
      name: 'Acme',
      actorIsPlatformAdmin: true,
    });
    await log.grant(WS, {
      grantId: 'g1',
      channelId: 'eng',
      connector: 'github',
      actions: ['read'],
      resources: ['acme/api'],
      expiresAt: new Date(T0).toISOString(),
    });
    await log.revokeGrant(WS, 'g1');
    const progress: number[] = [];

    for (const name of ['effective-permissions', 'audit-index'] as const) {
      const stepwise = emptyProjection(name);
      const first = await replayLog(store, stepwise, { to: { position: 2 } });
      const rest = await replayLog(store, stepwise, {
        onProgress: ({ position }) => progress.push(position),
      });
      const whole = await replayLog(store, emptyProjection(name));

      expect(first).toMatchObject({ position: 2, events: 2 });
      expect(rest).toMatchObject({ position: 4, events: 2, stateHash: whole.stateHash });
      expect(first.stateHash).not.toBe(whole.stateHash);
    }
    expect(progress).toEqual([4, 4]);
    await store.close();
  });

  it('given a log, when replaying the stored rows (decoding only what the projection reads), then the result equals replayLog', async () => {
    const store = openTestStore();
    const log = new IdentityLog(store);
    await log.workspace(WS, 'olivia', {
      type: 'CreateWorkspace',
      workspaceId: WS,
      name: 'Acme',
      actorIsPlatformAdmin: true,
    });
    await log.grant(WS, {
      grantId: 'g1',
      channelId: 'eng',
      connector: 'github',
      actions: ['read'],
      resources: ['acme/api'],
      expiresAt: new Date(T0).toISOString(),
    });
    await log.extendGrant(WS, 'g1', new Date(T0 + 60_000).toISOString());
    const cutoff = (await store.readAll({ fromPosition: 3, limit: 1 }))[0].recordedAt;

    for (const name of ['effective-permissions', 'audit-index'] as const) {
      for (const to of [undefined, { position: 3 }, { instant: cutoff }]) {
        const expected = await replayLog(store, emptyProjection(name), { to });
        const actual = await replayStoredLog(store, auditSchemas(), emptyProjection(name), {
          to,
          pageSize: 2,
        });

        expect(actual).toEqual(expected);
      }
    }
    await store.close();
  });
});
