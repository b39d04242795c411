import { unusedInvokerRights } from '../overlays/invoker-rights.testing';
import type { Principal } from '@mandate/auth';
import type { AppConfig } from '@mandate/config';
import { DomainError } from '@mandate/domain';
import { EffectivePermissionsProjection, PermissionsHistory } from '@mandate/projections';
import { IdentityLog, openTestStore } from '../../../../libs/projections/test/identity-log';
import { EgressCheckLimiter } from './egress-check.limiter';
import { EgressDenialRecorder } from './egress-denial.recorder';
import { PermissionChecksService } from './permission-checks.service';
import { MAX_BATCH_INSTANTS, type CheckRequest } from './permissions.schemas';
import type { ProjectionService } from '../core/projection.service';

const WS = 'acme';
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const service = { id: 'runtime', kind: 'service', scopes: ['permissions:check'] } as unknown as Principal;

/** A workspace whose baseline changes every second for a minute: 60 distinct past states. */
async function checks() {
  let now = T0;
  const clock = () => new Date(now);
  const store = openTestStore({ clock });
  const log = new IdentityLog(store, clock);
  await log.workspace(WS, 'olivia', {
    type: 'CreateWorkspace',
    workspaceId: WS,
    name: 'Acme',
    actorIsPlatformAdmin: true,
  });
  await log.workspace(WS, 'olivia', { type: 'BindService', serviceId: 'runtime' });
  await log.channel(WS, 'olivia', {
    type: 'CreateChannel',
    channelId: 'eng',
    workspaceId: WS,
    name: 'eng',
    visibility: 'public',
  });
  for (let second = 1; second <= 60; second++) {
    now = T0 + second * 1_000;
    await log.baseline(WS, 'olivia', {
      connections: [
        { id: 'gh', connector: 'github', account: 'bot', actions: ['write'], resources: [`acme/r${second}`] },
      ],
    });
  }
  const projection = new EffectivePermissionsProjection();
  for (const event of await store.readAll()) projection.apply(event);
  const history = new PermissionsHistory(store, projection);
  const projections = { projection, history } as unknown as ProjectionService;
  const config = { CHECK_MIN_POSITION_WAIT_MS: 100 } as AppConfig;
  const edgeClock = { now: clock };
  const denials = new EgressDenialRecorder(store, edgeClock);
  const subject = new PermissionChecksService(
    projections,
    config,
    edgeClock,
    denials,
    new EgressCheckLimiter(),
    unusedInvokerRights(store, edgeClock),
  );
  return { subject, history };
}

const at = (second: number) => new Date(T0 + second * 1_000 + 500).toISOString();
const check = (second: number, resource = `acme/r${second}`): CheckRequest => ({
  workspaceId: WS,
  channelId: 'eng',
  connector: 'github',
  action: 'write',
  resource,
  at: at(second),
});

describe('checks at past instants cost a bounded number of replays', () => {
  it('given a batch with more distinct instants than the cap, when asked, then it is refused with a 400 before any replay', async () => {
    const { subject, history } = await checks();
    const batch = Array.from({ length: 1_000 }, (_, index) => check((index % 30) + 1));

    const refusal = await Promise.resolve()
      .then(() => subject.batch(service, batch))
      .catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({ kind: 'validation', code: 'too-many-instants' });
    expect(history.replays).toBe(0);
  });

  it('given a batch cycling through as many instants as the cap allows, when asked, then each instant is replayed once and answered right', async () => {
    const { subject, history } = await checks();
    const seconds = Array.from({ length: MAX_BATCH_INSTANTS }, (_, index) => index * 5 + 3);
    const batch = Array.from({ length: 1_000 }, (_, index) => check(seconds[index % seconds.length]));

    const answers = await subject.batch(service, batch);

    expect(history.replays).toBe(MAX_BATCH_INSTANTS);
    expect(answers.every((answer) => answer.allowed)).toBe(true);
    const stale = await subject.batch(service, [check(3, 'acme/r4')]);
    expect(stale[0].allowed).toBe(false);
  });

  it('given the same instant written two ways, when counted against the cap, then it is one instant', async () => {
    const { subject, history } = await checks();
    const instant = at(10);
    const sameInstant = instant.replace('Z', '+00:00');
    const batch = Array.from({ length: MAX_BATCH_INSTANTS }, (_, index) => check(index + 1));
    batch.push({ ...check(10), at: sameInstant });

    await expect(subject.batch(service, batch)).resolves.toHaveLength(MAX_BATCH_INSTANTS + 1);
    expect(history.replays).toBe(MAX_BATCH_INSTANTS);
  });
});
