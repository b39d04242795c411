import { existsSync, writeFileSync } from 'node:fs';
import type { EventStore } from '@mandate/event-store';
import { createTempDir, type TempDir } from '@mandate/testing';
import { IdentityLog, openTestStore } from '../../test/identity-log';
import { EffectivePermissionsProjection } from '../effective-permissions/effective-permissions.projection';
import { ProjectionRunner } from './projection-runner';
import { readSnapshotFile } from '../effective-permissions/snapshot-file';

const WS = 'acme';

async function seed(log: IdentityLog, grants: number): Promise<void> {
  await log.createWorkspace(WS);
  await log.channel(WS, 'olivia', {
    type: 'CreateChannel',
    channelId: 'eng',
    workspaceId: WS,
    name: 'Engineering',
    visibility: 'public',
  });
  for (let index = 0; index < grants; index++) {
    await log.grant(WS, {
      grantId: `g-${index}`,
      channelId: 'eng',
      connector: 'github',
      actions: ['read'],
      resources: [`acme/repo-${index}`],
      expiresAt: '2099-01-01T00:00:00.000Z',
    });
  }
}

describe('ProjectionRunner', () => {
  let dir: TempDir;
  beforeEach(() => (dir = createTempDir('mandate-projection-')));
  afterEach(() => dir.remove());

  const start = async (store: ReturnType<typeof openTestStore>, snapshotEvery = 1000) => {
    const projection = new EffectivePermissionsProjection();
    const runner = new ProjectionRunner({
      store,
      projection,
      snapshotPath: dir.file('snapshot.json'),
      snapshotEvery,
    });
    await runner.start();
    await runner.whenCaughtUp();
    return { projection, runner };
  };

  it('given a log, when the runner stops and a new one starts, then it restores the snapshot and resumes after its position', async () => {
    const store = openTestStore({ path: dir.file('events.sqlite') });
    const log = new IdentityLog(store);
    await seed(log, 20);
    const first = await start(store);
    await first.runner.stop();
    const snapshotted = JSON.parse(readSnapshotFile(dir.file('snapshot.json')) ?? '{}');
    await log.grant(WS, {
      grantId: 'late',
      channelId: 'eng',
      connector: 'github',
      actions: ['read'],
      resources: ['acme/late'],
      expiresAt: '2099-01-01T00:00:00.000Z',
    });

    const second = await start(store);
    const rebuilt = new EffectivePermissionsProjection();
    for (const event of await store.readAll()) rebuilt.apply(event);

    expect(snapshotted.position).toBe(first.projection.position);
    expect(second.projection.position).toBe(await store.headPosition());
    expect(second.projection.stateHash()).toBe(rebuilt.stateHash());
    expect(
      second.projection.check(
        WS,
        { channelId: 'eng', connector: 'github', action: 'read', resource: 'acme/late' },
        Date.now(),
      )?.allowed,
    ).toBe(true);
    await second.runner.stop();
    await store.close();
  });

  it('given a snapshot of another log, when starting, then it is ignored and the projection is rebuilt', async () => {
    const store = openTestStore({ path: dir.file('events.sqlite') });
    await seed(new IdentityLog(store), 3);
    const other = openTestStore();
    await seed(new IdentityLog(other), 3);
    const foreign = new EffectivePermissionsProjection();
    for (const event of await other.readAll()) foreign.apply(event);
    writeFileSync(dir.file('snapshot.json'), JSON.stringify(foreign.snapshot()));

    const { projection, runner } = await start(store);
    const rebuilt = new EffectivePermissionsProjection();
    for (const event of await store.readAll()) rebuilt.apply(event);

    expect(projection.stateHash()).toBe(rebuilt.stateHash());
    expect(projection.stateHash()).not.toBe(foreign.stateHash());
    await runner.stop();
    await Promise.all([store.close(), other.close()]);
  });

  it('given a live runner, when events arrive, then a snapshot is written every N events and waits for a position resolve', async () => {
    const store = openTestStore({ path: dir.file('events.sqlite') });
    const log = new IdentityLog(store);
    await seed(log, 0);
    const { runner } = await start(store, 5);
    const before = JSON.parse(readSnapshotFile(dir.file('snapshot.json')) ?? '{}').position;

    const waiting = runner.waitForPosition(before + 5, 2_000);
    for (let index = 0; index < 5; index++) {
      await log.grant(WS, {
        grantId: `live-${index}`,
        channelId: 'eng',
        connector: 'github',
        actions: ['read'],
        resources: ['acme/x'],
        expiresAt: '2099-01-01T00:00:00.000Z',
      });
    }

    expect(await waiting).toBe(true);
    expect(JSON.parse(readSnapshotFile(dir.file('snapshot.json')) ?? '{}').position).toBe(before + 5);
    expect(await runner.waitForPosition(before + 100, 50)).toBe(false);
    expect(existsSync(`${dir.file('snapshot.json')}.${process.pid}.tmp`)).toBe(false);
    await runner.stop();
    await store.close();
  });

  it('given a background runner beside a plain one, when an event arrives, then the plain one applies it a turn earlier and both reach it', async () => {
    const store = openTestStore({ path: dir.file('events.sqlite') });
    const log = new IdentityLog(store);
    await seed(log, 0);
    // Started first, so without `background` it would be woken (and apply) first.
    const background = new ProjectionRunner({
      store,
      projection: new EffectivePermissionsProjection(),
      background: true,
    });
    await background.start();
    await background.whenCaughtUp();
    const plain = await start(store);
    const head = await store.headPosition();
    const applied: string[] = [];
    const watch = (name: string, runner: ProjectionRunner) =>
      runner.waitForPosition(head + 1, 2_000).then((reached) => reached && applied.push(name));

    const both = Promise.all([watch('background', background), watch('plain', plain.runner)]);
    await log.grant(WS, {
      grantId: 'late',
      channelId: 'eng',
      connector: 'github',
      actions: ['read'],
      resources: ['acme/x'],
      expiresAt: '2099-01-01T00:00:00.000Z',
    });
    await both;

    expect(applied).toEqual(['plain', 'background']);
    await Promise.all([plain.runner.stop(), background.stop()]);
    await store.close();
  });

  it('given a log being caught up, when asked, then the runner says catching-up with its target until it has applied it', async () => {
    const store = openTestStore({ path: dir.file('events.sqlite') });
    await seed(new IdentityLog(store), 3);
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const gated: Pick<EventStore, 'headPosition' | 'readAll' | 'subscribe'> = {
      headPosition: () => store.headPosition(),
      subscribe: (options) => store.subscribe(options),
      readAll: async (options) => {
        await gate;
        return store.readAll(options);
      },
    };
    const projection = new EffectivePermissionsProjection();
    const runner = new ProjectionRunner({ store: gated, projection, snapshotEvery: 1000 });

    await runner.start();
    const during = { state: runner.state, position: runner.position, target: runner.target };
    open();
    await runner.whenCaughtUp();

    expect(during).toEqual({ state: 'catching-up', position: 0, target: await store.headPosition() });
    expect(runner.state).toBe('live');
    await runner.stop();
    await store.close();
  });

  it('given a log of many pages, when rebuilding, then timers and I/O still run between pages', async () => {
    // given: a store whose pages each take 25 ms of synchronous work, as large SQLite pages do
    const store = openTestStore({ path: dir.file('events.sqlite') });
    await seed(new IdentityLog(store), 1_200);
    const slow: Pick<EventStore, 'headPosition' | 'readAll' | 'subscribe'> = {
      headPosition: () => store.headPosition(),
      subscribe: (options) => store.subscribe(options),
      readAll: (options) => {
        const until = performance.now() + 25;
        while (performance.now() < until);
        return store.readAll(options);
      },
    };
    const projection = new EffectivePermissionsProjection();
    const runner = new ProjectionRunner({ store: slow, projection, snapshotEvery: 1_000_000 });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);

    try {
      // when
      await runner.start();
      await runner.whenCaughtUp();

      // then
      expect(runner.position).toBe(await store.headPosition());
      expect(ticks).toBeGreaterThan(0);
    } finally {
      clearInterval(ticker);
      await runner.stop();
      await store.close();
    }
    // Seeding and the busy-waited pages take 3.5-5 s on a loaded machine: past Jest's 5 s default.
  }, 30_000);
});
