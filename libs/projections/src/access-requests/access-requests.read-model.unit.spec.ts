import { createTempDir, type TempDir } from '@mandate/testing';
import { IdentityLog, openTestStore } from '../../test/identity-log';
import { ProjectionRunner } from '../runner/projection-runner';
import { AccessRequestsReadModel } from './access-requests.read-model';

const WS = 'acme';
const FUTURE = '2099-01-01T00:00:00.000Z';

/** A request asked by `rita` (pending), then granted when `granted`. */
async function requested(log: IdentityLog, requestId: string, granted = true): Promise<void> {
  await log.requestAccess(WS, 'rita', {
    requestId,
    channelId: 'eng',
    connector: 'github',
    actions: ['read'],
    resources: [`acme/${requestId}`],
    durationSeconds: 3600,
    reason: 'hotfix',
    ticket: null,
    invokedBy: null,
    breakGlass: false,
  });
  if (granted) await log.grant(WS, grant(requestId));
}

const grant = (grantId: string) => ({
  grantId,
  channelId: 'eng',
  connector: 'github',
  actions: ['read'],
  resources: [`acme/${grantId}`],
  expiresAt: FUTURE,
});

describe('AccessRequestsReadModel', () => {
  let dir: TempDir;
  beforeEach(() => (dir = createTempDir('mandate-access-requests-')));
  afterEach(() => dir.remove());

  it('given a grant that expired and one still active, when folded, then only the active one is held in memory and the ended one is still read on demand', async () => {
    // given
    const store = openTestStore();
    const log = new IdentityLog(store);
    await requested(log, 'g-ended');
    await requested(log, 'g-live', false);
    await log.expireGrant(WS, 'g-ended', FUTURE);
    const model = new AccessRequestsReadModel();

    // when
    model.applyPage(await store.readAll());

    // then
    expect(model.openIn(WS).map((entry) => entry.requestId)).toEqual(['g-live']);
    expect(model.openCount).toBe(1);
    expect(model.get(WS, 'g-ended')?.state.status).toBe('expired');
    expect([...model.inOrder(WS, { statuses: ['expired'] })].map((entry) => entry.requestId)).toEqual([
      'g-ended',
    ]);
    expect([...model.inOrder(WS)].map((entry) => entry.requestId)).toEqual(['g-ended', 'g-live']);
    model.close();
    await store.close();
  });

  it('given a model kept in a file, when the process starts again, then it resumes at its position with its open requests without folding the log again', async () => {
    // given
    const store = openTestStore();
    const log = new IdentityLog(store);
    await requested(log, 'g-1');
    await requested(log, 'g-2');
    await log.revokeGrant(WS, 'g-1');
    const path = dir.file('access-requests.sqlite');
    const first = new AccessRequestsReadModel({ path });
    const runner = new ProjectionRunner({ store, projection: first });
    await runner.start();
    await runner.whenCaughtUp();
    await runner.stop();
    first.close();
    const readFrom: number[] = [];
    const watched = {
      headPosition: () => store.headPosition(),
      subscribe: (options: Parameters<typeof store.subscribe>[0]) => store.subscribe(options),
      readAll: (options?: Parameters<typeof store.readAll>[0]) => {
        readFrom.push(options?.fromPosition ?? 1);
        return store.readAll(options);
      },
    };

    // when
    const second = new AccessRequestsReadModel({ path });
    const restarted = new ProjectionRunner({ store: watched, projection: second });
    await restarted.start();
    await restarted.whenCaughtUp();

    // then: only the check that the log still holds its last event, and the read after it
    expect(second.position).toBe(await store.headPosition());
    expect(readFrom.every((from) => from >= 5)).toBe(true);
    expect(second.openIn(WS).map((entry) => entry.requestId)).toEqual(['g-2']);
    expect(second.get(WS, 'g-1')?.state.status).toBe('revoked');
    await restarted.stop();
    second.close();
    await store.close();
  });

  it('given a file written from another log, when starting, then the model is emptied and folded again', async () => {
    // given
    const other = openTestStore();
    await requested(new IdentityLog(other), 'foreign');
    const path = dir.file('access-requests.sqlite');
    const stale = new AccessRequestsReadModel({ path });
    stale.applyPage(await other.readAll());
    stale.close();
    const store = openTestStore();
    await requested(new IdentityLog(store), 'ours');

    // when
    const model = new AccessRequestsReadModel({ path });
    const runner = new ProjectionRunner({ store, projection: model });
    await runner.start();
    await runner.whenCaughtUp();

    // then
    expect([...model.inOrder(WS)].map((entry) => entry.requestId)).toEqual(['ours']);
    await runner.stop();
    model.close();
    await Promise.all([store.close(), other.close()]);
  });
});
