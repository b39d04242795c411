import { jsonEvent, NO_STREAM } from '@eventstore/db-client';
import { notes, testEventRegistry } from '../../test/test-events';
import { EventStoreDbEventStore } from './eventstoredb-event-store.adapter';
import { LEADER_STREAM_PREFIX } from './eventstoredb-leader-lease';
import { EventStoreDbLeadership } from './eventstoredb-leadership';
import { FakeEventStoreDbServer } from './fake-eventstoredb-client';

const ROLE = 'kafka-relay';
const STREAM = `${LEADER_STREAM_PREFIX}${ROLE}`;
const TIMING = { leaseMs: 1_000, renewMs: 250, marginMs: 200, retryMs: 100 };

/** How the node's client answers appends: as the server does, refused at once, or not before their deadline. */
type Appends = 'answered' | 'refused' | 'unanswered';

/** A node of the cluster: its leadership, whose appends the test can make fail, and what its work saw. */
function nodeOn(server: FakeEventStoreDbServer, name: string) {
  const node = { appends: 'answered' as Appends, started: [] as number[], stopped: [] as number[] };
  const leadership = new EventStoreDbLeadership({
    ...TIMING,
    node: name,
    connect: () => {
      const client = server.client();
      return {
        ...client,
        appendToStream: ((...args: Parameters<typeof client.appendToStream>) => {
          if (node.appends === 'refused') return Promise.reject(new Error('connection lost'));
          // As the real client: a call the server does not answer fails at its deadline.
          if (node.appends === 'unanswered')
            return new Promise((_, reject) =>
              setTimeout(() => reject(new Error('deadline exceeded')), args[2]?.deadline ?? 10_000),
            );
          return client.appendToStream(...args);
        }) as typeof client.appendToStream,
      };
    },
  });
  const stop = new AbortController();
  const running = leadership.whileLeader(
    ROLE,
    async (leading) => {
      node.started.push(performance.now());
      await new Promise((resolve) => leading.addEventListener('abort', resolve, { once: true }));
      node.stopped.push(performance.now());
    },
    stop.signal,
  );
  return Object.assign(node, { leadership, stop: () => (stop.abort(), running) });
}

/** Awaits `promise` while the fake clock moves a millisecond at a time (the fake server's calls wait on timers too). */
async function settled<T>(promise: Promise<T>): Promise<T> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  while (!done) await jest.advanceTimersByTimeAsync(1);
  return promise;
}

async function recordsOf(server: FakeEventStoreDbServer): Promise<string[]> {
  const types: string[] = [];
  for await (const { event } of server.client().readStream(STREAM)) types.push(`${event?.type}`);
  return types;
}

describe('EventStoreDB leadership (a lease in a stream per role)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('given two nodes on one server, when both campaign, then exactly one leads, and keeps the role by renewing it', async () => {
    const server = new FakeEventStoreDbServer();
    const [a, b] = [nodeOn(server, 'a'), nodeOn(server, 'b')];

    await jest.advanceTimersByTimeAsync(5 * TIMING.leaseMs);

    expect([a, b].map((node) => node.leadership.leads(ROLE)).sort()).toEqual([false, true]);
    expect(a.started.length + b.started.length).toBe(1);
    expect(a.stopped.length + b.stopped.length).toBe(0);
    const records = await settled(recordsOf(server));
    expect(records.filter((type) => type === 'LeaderLeaseTaken')).toHaveLength(1);
    expect(records.filter((type) => type === 'LeaderLeaseRenewed').length).toBeGreaterThanOrEqual(15);
    expect(server.metadata.get(STREAM)).toEqual({ maxCount: expect.any(Number) });
    await settled(Promise.all([a.stop(), b.stop()]));
  });

  it('given a leader, when it stops, then it releases the lease and the other node takes over within a retry', async () => {
    const server = new FakeEventStoreDbServer();
    const a = nodeOn(server, 'a');
    await jest.advanceTimersByTimeAsync(TIMING.retryMs);
    const b = nodeOn(server, 'b');
    await jest.advanceTimersByTimeAsync(TIMING.leaseMs);
    expect(a.leadership.leads(ROLE)).toBe(true);

    const stopped = a.stop();
    await jest.advanceTimersByTimeAsync(TIMING.retryMs + 50);
    await stopped;

    expect(b.leadership.leads(ROLE)).toBe(true);
    expect(b.started[0] - a.stopped[0]).toBeLessThanOrEqual(TIMING.retryMs + 50);
    expect(await settled(recordsOf(server))).toContain('LeaderLeaseReleased');
    await settled(b.stop());
  });

  it('given a leader whose renewal fails, then its work is stopped at once and the other node leads only after it', async () => {
    const server = new FakeEventStoreDbServer();
    const a = nodeOn(server, 'a');
    await jest.advanceTimersByTimeAsync(TIMING.retryMs);
    const b = nodeOn(server, 'b');
    await jest.advanceTimersByTimeAsync(TIMING.leaseMs);

    a.appends = 'refused';
    const refusedAt = performance.now();
    await jest.advanceTimersByTimeAsync(TIMING.renewMs + 10);

    expect(a.leadership.leads(ROLE)).toBe(false);
    expect(a.stopped[0] - refusedAt).toBeLessThanOrEqual(TIMING.renewMs + 10);
    await jest.advanceTimersByTimeAsync(3 * TIMING.leaseMs);
    expect(b.leadership.leads(ROLE)).toBe(true);
    expect(b.started[0]).toBeGreaterThan(a.stopped[0]);
    await settled(Promise.all([a.stop(), b.stop()]));
  });

  it('given a leader whose renewals go unanswered, then its work is stopped before its lease runs out, and the other node takes over after it has', async () => {
    const server = new FakeEventStoreDbServer();
    const a = nodeOn(server, 'a');
    await jest.advanceTimersByTimeAsync(TIMING.retryMs);
    const b = nodeOn(server, 'b');
    await jest.advanceTimersByTimeAsync(TIMING.leaseMs);

    a.appends = 'unanswered';
    const lastAnswerBy = performance.now();
    await jest.advanceTimersByTimeAsync(TIMING.leaseMs);

    expect(a.leadership.leads(ROLE)).toBe(false);
    expect(a.stopped[0] - lastAnswerBy).toBeLessThanOrEqual(TIMING.leaseMs - TIMING.marginMs);
    await jest.advanceTimersByTimeAsync(2 * TIMING.leaseMs);
    expect(b.leadership.leads(ROLE)).toBe(true);
    // Its last renewal went out no earlier than `lastAnswerBy - renewMs`; the follower waited lease + margin from then.
    expect(b.started[0] - a.stopped[0]).toBeGreaterThanOrEqual(2 * TIMING.marginMs - TIMING.renewMs);
    a.appends = 'answered';
    await settled(Promise.all([a.stop(), b.stop()]));
  });

  it('given a lease whose holder died without releasing it, then a follower waits out the lease and the margin by its own clock, then takes it', async () => {
    const server = new FakeEventStoreDbServer();
    await settled(
      server
        .client()
        .appendToStream(
          STREAM,
          jsonEvent({ type: 'LeaderLeaseTaken', data: { node: 'dead', term: 7, leaseMs: TIMING.leaseMs } }),
          { expectedRevision: NO_STREAM },
        ),
    );
    const follower = nodeOn(server, 'follower');

    await jest.advanceTimersByTimeAsync(TIMING.leaseMs);
    expect(follower.leadership.leads(ROLE)).toBe(false);
    await jest.advanceTimersByTimeAsync(TIMING.marginMs + 2 * TIMING.retryMs);

    expect(follower.leadership.leads(ROLE)).toBe(true);
    const records = server.all.filter((record) => record.streamId === STREAM);
    expect(records.at(-1)?.data).toEqual({ node: 'follower', term: 8, leaseMs: TIMING.leaseMs });
    await settled(follower.stop());
  });

  it('given a role name outside the grammar, when campaigning, then it is refused before any write', async () => {
    const server = new FakeEventStoreDbServer();
    const leadership = new EventStoreDbLeadership({ ...TIMING, connect: () => server.client() });

    await expect(
      leadership.whileLeader('relay/../x', async () => undefined, new AbortController().signal),
    ).rejects.toThrow(/Role name/);
    expect(server.appendCalls).toBe(0);
  });
});

describe('EventStoreDB leadership beside the log', () => {
  it('given a leader renewing its lease on the log’s server, when events are appended, then the lease is no part of the log', async () => {
    const server = new FakeEventStoreDbServer();
    const store = new EventStoreDbEventStore({ client: server.client(), schemas: testEventRegistry() });
    const leadership = new EventStoreDbLeadership({
      leaseMs: 300,
      renewMs: 20,
      marginMs: 100,
      connect: () => server.client(),
    });
    const stop = new AbortController();
    const running = leadership.whileLeader(
      ROLE,
      async (leading) => {
        await store.append('s', notes(2), { expectedRevision: 'no_stream' });
        await new Promise((resolve) => setTimeout(resolve, 100));
        await store.append('s', notes(1), { expectedRevision: 1 });
        await new Promise((resolve) => leading.addEventListener('abort', resolve, { once: true }));
      },
      stop.signal,
    );
    while (await store.headPosition().then((head) => head < 3))
      await new Promise((resolve) => setTimeout(resolve, 10));

    expect(server.streamNames()).toContain(STREAM);
    expect((await store.readAll()).map((event) => event.globalPosition)).toEqual([1, 2, 3]);
    stop.abort();
    await running;
    await store.close();
  }, 20_000);
});

describe('EventStoreDB leadership when the server cannot be reached', () => {
  it('given a node whose reads of the lease keep failing, when it campaigns, then it never leads and the failure is reported once, not on every retry', async () => {
    const failures: string[] = [];
    const server = new FakeEventStoreDbServer();
    const leadership = new EventStoreDbLeadership({
      ...TIMING,
      node: 'cut-off',
      connect: () => ({
        ...server.client(),
        readStream: () => {
          throw new Error('unavailable');
        },
      }),
      onCampaignFailed: (role, error) => failures.push(`${role}: ${(error as Error).message}`),
    });
    const stop = new AbortController();
    let worked = false;

    const running = leadership.whileLeader(ROLE, async () => void (worked = true), stop.signal);
    await new Promise((resolve) => setTimeout(resolve, TIMING.retryMs * 5));
    stop.abort();
    await running;

    expect(worked).toBe(false);
    expect(failures).toEqual([`${ROLE}: unavailable`]);
  });
});
