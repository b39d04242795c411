import { unusedInvokerRights } from '../overlays/invoker-rights.testing';
import type { Principal } from '@mandate/auth';
import type { AppConfig } from '@mandate/config';
import { DomainError } from '@mandate/domain';
import type { RecordedEvent } from '@mandate/event-store';
import { EffectivePermissionsProjection, PermissionsHistory } from '@mandate/projections';
import { IdentityLog, openTestStore } from '../../../../libs/projections/test/identity-log';
import { EgressCheckLimiter } from './egress-check.limiter';
import { EgressDenialRecorder } from './egress-denial.recorder';
import { PermissionChecksService } from './permission-checks.service';
import type { ProjectionService } from '../core/projection.service';

const WS = 'acme';
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const service = (id = 'gateway') =>
  ({ id, kind: 'service', scopes: ['permissions:check'] }) as unknown as Principal;

async function egressChecks(limit = { points: 100_000, durationSeconds: 1 }) {
  let now = T0;
  const clock = { now: () => new Date(now) };
  const store = openTestStore({ clock: clock.now });
  const log = new IdentityLog(store, clock.now);
  await log.workspace(WS, 'olivia', {
    type: 'CreateWorkspace',
    workspaceId: WS,
    name: 'Acme',
    actorIsPlatformAdmin: true,
  });
  for (const serviceId of ['gateway', 'another', 'gw-0', 'gw-1', 'gw-2']) {
    await log.workspace(WS, 'olivia', { type: 'BindService', serviceId });
  }
  await log.baseline(WS, 'olivia', { egress: [{ host: 'api.github.com', ports: [443] }] });
  await log.channel(WS, 'olivia', {
    type: 'CreateChannel',
    channelId: 'eng',
    workspaceId: WS,
    name: 'eng',
    visibility: 'public',
  });
  const projection = new EffectivePermissionsProjection();
  for (const event of await store.readAll()) projection.apply(event);
  const projections = {
    projection,
    history: new PermissionsHistory(store, projection),
  } as unknown as ProjectionService;
  const config = { CHECK_MIN_POSITION_WAIT_MS: 100 } as AppConfig;
  const denials = new EgressDenialRecorder(store, clock);
  const limiter = new EgressCheckLimiter(limit);
  const subject = new PermissionChecksService(
    projections,
    config,
    clock,
    denials,
    limiter,
    unusedInvokerRights(store, clock),
  );
  const denied = async (): Promise<RecordedEvent[]> =>
    (await store.readAll()).filter((event) => event.type === 'EgressDenied');
  return { subject, denials, denied, advance: (ms: number) => (now += ms), now: () => now };
}

const totalCount = (events: RecordedEvent[]) =>
  events.reduce((sum, event) => sum + ((event.data as { count?: number }).count ?? 1), 0);

describe('denied egress checks are aggregated, not written one by one', () => {
  it('given 1,000 denied checks in a burst, when the window closes, then a handful of events carry the total count', async () => {
    const { subject, denials, denied, advance, now } = await egressChecks();

    const answers = await Promise.all(
      Array.from({ length: 1_000 }, (_, index) =>
        subject.egress(service(`gw-${index % 3}`), WS, 'eng', { host: 'evil.example', port: 443 }),
      ),
    );
    const duringTheBurst = await denied();
    advance(60_000);
    await denials.flushDue(now());

    expect(answers.every((answer) => !answer.allowed)).toBe(true);
    expect(duringTheBurst).toHaveLength(1);
    const events = await denied();
    expect(events.length).toBeLessThanOrEqual(2);
    expect(totalCount(events)).toBe(1_000);
    expect(events[1].data).toMatchObject({
      channelId: 'eng',
      host: 'evil.example',
      port: 443,
      count: 999,
      callers: ['service:gw-1', 'service:gw-2', 'service:gw-0'],
    });
  });

  it('given denials still counted at shutdown, when the API stops, then they are written', async () => {
    const { subject, denials, denied } = await egressChecks();
    for (let index = 0; index < 10; index++) {
      await subject.egress(service(), WS, 'eng', { host: 'evil.example', port: 443 });
    }

    await denials.beforeApplicationShutdown();

    expect(totalCount(await denied())).toBe(10);
    expect(await denied()).toHaveLength(2);
  });

  it('given denials of different ports and channels, when aggregated, then each key has its own events', async () => {
    const { subject, denials, denied, advance, now } = await egressChecks();
    for (const port of [443, 8443, 443, 8443]) {
      await subject.egress(service(), WS, 'eng', { host: 'evil.example', port });
    }
    advance(61_000);
    await denials.flushDue(now());

    const events = await denied();
    expect(
      events.map((event) => [(event.data as { port: number }).port, (event.data as { count: number }).count]),
    ).toEqual([
      [443, 1],
      [8443, 1],
      [443, 1],
      [8443, 1],
    ]);
  });

  it('given a caller over its egress-check rate, when it checks again, then it gets 429 with Retry-After', async () => {
    const { subject } = await egressChecks({ points: 5, durationSeconds: 1 });
    for (let index = 0; index < 5; index++) {
      await subject.egress(service(), WS, 'eng', { host: 'api.github.com', port: 443 });
    }

    const refusal = await subject
      .egress(service(), WS, 'eng', { host: 'api.github.com', port: 443 })
      .catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({ kind: 'too_many_requests', code: 'rate-limited' });
    expect((refusal as DomainError).details.retryAfterSeconds).toBeGreaterThan(0);
    await expect(
      subject.egress(service('another'), WS, 'eng', { host: 'api.github.com', port: 443 }),
    ).resolves.toMatchObject({ allowed: true });
  });
});
