import type { AddressInfo } from 'node:net';
import { type WatchEvent, WatchRefused, watchEvents } from '@mandate/client';
import type { EventStore } from '@mandate/event-store';
import { IdentityLog } from '../../libs/projections/test/identity-log';
import { EVENT_STORE } from '../../apps/api/src/event-store/event-store.module';
import { startTestApi, type TestApi } from '../api/api-test-kit';

const WS = 'acme';

/** An open watch stream, read with the published client's reader. */
interface Watch {
  events: WatchEvent[];
  refused?: { status: number; code?: string };
  until(predicate: (event: WatchEvent) => boolean, timeoutMs?: number): Promise<WatchEvent>;
  close(): void;
}

describe('the watch stream (GET /v1/workspaces/{ws}/watch; real API on a SQLite file)', () => {
  let api: TestApi;
  let log: IdentityLog;
  let baseUrl: string;
  const open: Watch[] = [];
  let rule = 0;

  const restrict = async (channelId: string) =>
    (
      await log.channel(WS, 'olivia', {
        type: 'RestrictChannel',
        channelId,
        rule: { id: `r-${++rule}`, connector: 'github', actions: ['write'], resources: [`acme/r${rule}`] },
      })
    ).position;

  async function watch(token: string, options: { after?: number; query?: Record<string, string> } = {}) {
    const abort = new AbortController();
    const events: WatchEvent[] = [];
    let ended = false;
    const stream: Watch = {
      events,
      async until(predicate, timeoutMs = 10_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const found = events.find(predicate);
          if (found) return found;
          // A stream refused, dropped or ended tells nothing more: polling on would outlive the test.
          if (ended || Date.now() > deadline) throw new Error(`no such event; got ${JSON.stringify(events)}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      },
      close: () => abort.abort(),
    };
    const reading = (async () => {
      for await (const event of watchEvents({
        baseUrl,
        token,
        workspaceId: WS,
        signal: abort.signal,
        ...options,
      }))
        events.push(event);
    })()
      .catch((error: unknown) => {
        if (error instanceof WatchRefused)
          stream.refused = { status: error.status, code: error.problem.code };
      })
      .finally(() => (ended = true));
    open.push(stream);
    // Open once its first event arrived, or refused.
    await Promise.race([reading, stream.until(() => true).catch(() => undefined)]);
    return stream;
  }

  const service = () => api.token('tool-gateway', { kind: 'service', scopes: ['permissions:check'] });
  const changePositions = (events: WatchEvent[]) =>
    events.flatMap((event) => (event.type === 'change' && event.id !== undefined ? [Number(event.id)] : []));

  beforeAll(async () => {
    api = await startTestApi({ PLATFORM_ADMINS: 'olivia' });
    log = new IdentityLog(api.app.get<EventStore>(EVENT_STORE));
    // given acme (bob a member, in #eng only; #incident private), its check service, and globex
    await log.createWorkspace(WS, 'olivia');
    await log.createWorkspace('globex', 'gina', 'Globex');
    await log.workspace(WS, 'olivia', { type: 'GrantMemberRole', principalId: 'bob', role: 'member' });
    await log.workspace(WS, 'olivia', { type: 'BindService', serviceId: 'tool-gateway' });
    for (const [channelId, visibility] of [
      ['eng', 'public'],
      ['incident', 'private'],
    ] as const) {
      await log.channel(WS, 'olivia', {
        type: 'CreateChannel',
        channelId,
        workspaceId: WS,
        name: channelId,
        visibility,
      });
    }
    await log.channel(WS, 'olivia', {
      type: 'AddChannelMember',
      channelId: 'eng',
      principalId: 'bob',
      role: 'member',
    });
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
  }, 60_000);

  afterEach(() => {
    for (const stream of open.splice(0)) stream.close();
  });

  afterAll(() => api?.app.close());

  it('resumed after a disconnect, the stream loses nothing and repeats nothing', async () => {
    // given the check service watching, told of two changes
    const first = await watch(await service());
    await first.until((event) => event.type === 'ready');
    const written = [await restrict('eng'), await restrict('incident')];
    await first.until((event) => event.type === 'change' && Number(event.id) === written[1]);

    // when it disconnects, three more changes are written, and it resumes from the last id it saw
    first.close();
    const lastId = Math.max(...changePositions(first.events));
    written.push(await restrict('eng'), await restrict('incident'), await restrict('eng'));
    const second = await watch(await service(), { after: lastId });
    await second.until((event) => event.type === 'ready');
    written.push(await restrict('incident'));
    await second.until((event) => event.type === 'change' && Number(event.id) === written[5]);

    // then the two streams together told each written change exactly once, in order
    const told = [...changePositions(first.events), ...changePositions(second.events)];
    expect(told).toEqual(written);
    const replayed = second.events.slice(
      0,
      second.events.findIndex((event) => event.type === 'ready'),
    );
    expect(changePositions(replayed)).toEqual(written.slice(2, 5));
  });

  it('a member hears the channels it may check, nothing of a private channel it is not in', async () => {
    // given Bob (in #eng, not in #incident) and the service watching
    const bob = await watch(await api.token('bob'));
    const gateway = await watch(await service());
    await Promise.all([bob, gateway].map((stream) => stream.until((event) => event.type === 'ready')));

    // when #incident, then #eng change
    const hidden = await restrict('incident');
    const seen = await restrict('eng');

    // then Bob hears #eng's change only; the service both
    await gateway.until((event) => event.type === 'change' && Number(event.id) === seen);
    await bob.until((event) => event.type === 'change' && Number(event.id) === seen);
    expect(changePositions(gateway.events)).toEqual([hidden, seen]);
    expect(changePositions(bob.events)).toEqual([seen]);
    expect(JSON.stringify(bob.events)).not.toContain('incident');
  });

  it('a grant is told when it starts, and its expiry at expiresAt before AccessExpired is written', async () => {
    // given the service watching
    const gateway = await watch(await service());
    await gateway.until((event) => event.type === 'ready');

    // when a grant of about a second starts in #eng (no AccessExpired will be written)
    const expiresAt = new Date(Date.now() + 1_000).toISOString();
    const { position } = await log.grant(WS, {
      grantId: 'short-1',
      channelId: 'eng',
      connector: 'github',
      actions: ['write'],
      resources: ['acme/*'],
      expiresAt,
    });

    // then it hears the grant start (with its patterns), then end by the clock
    expect(
      await gateway.until((event) => event.type === 'change' && event.change.kind === 'grant-started'),
    ).toEqual({
      type: 'change',
      id: String(position),
      change: expect.objectContaining({
        channelId: 'eng',
        connector: 'github',
        resources: ['acme/*'],
        expiresAt,
      }),
    });
    const ended = await gateway.until(
      (event) => event.type === 'change' && event.change.kind === 'grant-ended',
    );
    expect(ended).toMatchObject({ change: { reason: 'expired', cause: 'expiresAt', grantId: 'short-1' } });
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(expiresAt));
  });

  it('refuses another tenant (404) and a sixth open stream of one principal (429 too-many-streams)', async () => {
    const otherTenant = await watch(await api.token('gina'));
    const token = await service();
    const five = await Promise.all(Array.from({ length: 5 }, () => watch(token)));
    await Promise.all(five.map((stream) => stream.until((event) => event.type === 'ready')));

    const sixth = await watch(token);

    expect(otherTenant.refused?.status).toBe(404);
    expect(sixth.refused).toEqual({ status: 429, code: 'too-many-streams' });
  });
});
