import type { SqliteEventStore } from '@mandate/event-store';
import { ProjectionRunner } from '@mandate/projections';
import {
  accessGranted,
  agentActionAuthorized,
  appendAll,
  channelCreated,
  openMemoryStore,
  workspaceCreated,
} from '../../test/audit-events';
import { AuditIndex } from './audit-index';

const positionsOf = (page: { events: { globalPosition: number }[] }) =>
  page.events.map((event) => event.globalPosition);

describe('AuditIndex', () => {
  let store: SqliteEventStore;
  let index: AuditIndex;

  beforeEach(async () => {
    store = openMemoryStore();
    index = AuditIndex.open(':memory:');
    await appendAll(store, [
      workspaceCreated('acme'), // 1
      workspaceCreated('globex'), // 2
      channelCreated('acme', 'eng'), // 3
      accessGranted({ workspaceId: 'acme', grantId: 'g-1', channelId: 'eng', approvers: ['bob', 'dave'] }), // 4
      agentActionAuthorized({ workspaceId: 'acme', channelId: 'eng', grantId: 'g-1', invokedBy: 'carol' }), // 5
      agentActionAuthorized({ workspaceId: 'globex', channelId: 'eng', grantId: 'g-1' }), // 6
      agentActionAuthorized({
        workspaceId: 'acme',
        channelId: 'ops',
        resource: 'acme/web',
        connector: 'jira',
      }), // 7
    ]);
    index.applyPage(await store.readAll());
  });
  afterEach(async () => {
    index.close();
    await store.close();
  });

  it('given events of two workspaces, when querying one, then only its events come back, newest first', () => {
    expect(positionsOf(index.query({ workspaceId: 'acme' }))).toEqual([7, 5, 4, 3, 1]);
    expect(positionsOf(index.query({ workspaceId: 'globex' }))).toEqual([6, 2]);
    expect(positionsOf(index.query({ workspaceId: 'initech' }))).toEqual([]);
  });

  it('given filters, when querying, then every filter must match', () => {
    const query = (filter: Parameters<AuditIndex['query']>[0]['filter']) =>
      positionsOf(index.query({ workspaceId: 'acme', filter, order: 'oldest' }));

    expect(query({ channel: 'eng' })).toEqual([3, 4, 5]);
    expect(query({ grant: 'g-1' })).toEqual([4, 5]);
    expect(query({ request: 'g-1' })).toEqual([4]);
    expect(query({ type: 'AgentActionAuthorized' })).toEqual([5, 7]);
    expect(query({ type: 'AgentActionAuthorized', channel: 'eng' })).toEqual([5]);
    expect(query({ connector: 'jira' })).toEqual([7]);
    expect(query({ resource: 'acme/web' })).toEqual([7]);
    expect(query({ resource: 'acme/api', type: 'AccessGranted' })).toEqual([4]);
    expect(query({ actor: 'agent-1' })).toEqual([5, 7]);
    expect(query({ principal: 'dave' })).toEqual([4]);
    expect(query({ principal: 'carol', grant: 'g-1' })).toEqual([5]);
    expect(query({ channel: 'nope' })).toEqual([]);
  });

  it('given an action allowed by a grant, when following its correlation and grant, then the approvers are one query away', async () => {
    const [action] = index.query({
      workspaceId: 'acme',
      filter: { type: 'AgentActionAuthorized', channel: 'eng' },
    }).events;
    const grantId = (action.data as { decision: { provenance: { grantId: string } } }).decision.provenance
      .grantId;

    const [grant] = index.query({
      workspaceId: 'acme',
      filter: { grant: grantId, type: 'AccessGranted' },
    }).events;

    expect((grant.data as { approvers: string[] }).approvers).toEqual(['bob', 'dave']);
    expect(
      index.query({ workspaceId: 'acme', filter: { correlation: action.metadata.correlationId } }).events,
    ).toEqual([action]);
  });

  it('given a time range, when querying, then only events that occurred within it come back', async () => {
    await appendAll(store, [channelCreated('acme', 'old', { at: '2020-01-01T00:00:00.000Z' })]);
    index.applyPage(await store.readAll({ fromPosition: 8 }));

    const page = index.query({
      workspaceId: 'acme',
      filter: { from: '2019-12-31T00:00:00.000Z', to: '2020-01-02T00:00:00.000Z' },
    });

    expect(positionsOf(page)).toEqual([8]);
  });

  it('given pages of 2, when paging either way, then the pages cover every event once', () => {
    for (const order of ['newest', 'oldest'] as const) {
      const seen: number[] = [];
      let after: number | undefined;
      for (;;) {
        const page = index.query({ workspaceId: 'acme', order, after, limit: 2 });
        seen.push(...positionsOf(page));
        if (!page.more) break;
        after = page.next ?? undefined;
      }
      expect(seen).toEqual(order === 'newest' ? [7, 5, 4, 3, 1] : [1, 3, 4, 5, 7]);
    }
  });

  it('given an oldest-first reader at the end, when events are appended, then its cursor resumes with exactly them', async () => {
    const last = index.query({ workspaceId: 'acme', order: 'oldest' });
    expect(last).toMatchObject({ more: false, next: 7 });

    await appendAll(store, [workspaceCreated('other'), channelCreated('acme', 'new')]);
    index.applyPage(await store.readAll({ fromPosition: 8 }));

    expect(positionsOf(index.query({ workspaceId: 'acme', order: 'oldest', after: last.next ?? 0 }))).toEqual(
      [9],
    );
  });

  it('given events applied twice or with a gap, when applying, then duplicates are ignored and gaps refused', async () => {
    const all = await store.readAll();
    index.applyPage(all);
    expect(index.position).toBe(7);

    await appendAll(store, [workspaceCreated('w8'), workspaceCreated('w9')]);
    const [, ninth] = await store.readAll({ fromPosition: 8 });

    expect(() => index.applyPage([ninth])).toThrow('expected position 8');
    expect(index.position).toBe(7);
  });

  it('given an index built from another log, when the runner starts it, then it is emptied and rebuilt from that log', async () => {
    const other = openMemoryStore();
    await appendAll(other, [
      workspaceCreated('acme'),
      workspaceCreated('x'),
      workspaceCreated('y'),
      workspaceCreated('z'),
    ]);
    await appendAll(other, [workspaceCreated('a'), workspaceCreated('b'), workspaceCreated('c')]);
    const runner = new ProjectionRunner({ store: other, projection: index });

    await runner.start();
    await runner.whenCaughtUp();

    expect(index.position).toBe(7);
    expect(positionsOf(index.query({ workspaceId: 'acme' }))).toEqual([1]);
    await runner.stop();
    await other.close();
  });

  it('given a live log, when the runner follows it, then appended events become queryable', async () => {
    const fresh = AuditIndex.open(':memory:');
    const runner = new ProjectionRunner({ store, projection: fresh });
    await runner.start();
    await runner.whenCaughtUp();

    await appendAll(store, [workspaceCreated('late')]);

    expect(await runner.waitForPosition(8, 2_000)).toBe(true);
    expect(positionsOf(fresh.query({ workspaceId: 'late' }))).toEqual([8]);
    await runner.stop();
    fresh.close();
  });
});
