import { setTimeout as sleep } from 'node:timers/promises';
import { StaticRoleResolver } from '@mandate/testing';
import type { SqliteEventStore } from '@mandate/event-store';
import { EVENT_STORE } from '../../apps/api/src/event-store/event-store.tokens';
import {
  accessGranted,
  accessRequested,
  accessRevoked,
  appendAll,
  channelCreated,
  channelExtensionAdded,
  channelRestrictionAdded,
  connectionAdded,
  serviceBound,
  workspaceCreated,
  type Append,
} from '../../libs/audit/test/audit-events';
import { startTestApi, type TestApi } from '../api/api-test-kit';

interface ChannelAnswer {
  channelId: string;
  through: { layer: string; rule: string; grantId?: string };
  grant?: { requestedBy: string | null; approvers: string[]; reason: string | null };
}
interface AccessReport {
  position: number;
  allowed: ChannelAnswer[];
  denied: ChannelAnswer[];
}

const question = 'connector=github&action=write&resource=acme/api';

describe('audit/access: who could do what, when, and why', () => {
  let api: TestApi;
  let store: SqliteEventStore;
  const instants: string[] = [];

  const get = async (sub: string, url: string) =>
    api.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${await api.token(sub)}` } });
  const access = async (at?: string): Promise<AccessReport> => {
    const response = await get(
      'aud-a',
      `/v1/workspaces/acme/audit/access?${question}${at ? `&at=${at}` : ''}`,
    );
    expect(response.statusCode).toBe(200);
    return response.json() as AccessReport;
  };
  /** Appends, waits until the clock has moved on, and remembers the instant after. */
  const chapter = async (appends: Append[]) => {
    await appendAll(store, appends);
    await sleep(5);
    instants.push(new Date().toISOString());
    await sleep(5);
  };

  beforeAll(async () => {
    api = await startTestApi(
      {},
      {
        roleResolver: new StaticRoleResolver({
          acme: { 'aud-a': ['auditor'] },
          globex: { 'aud-b': ['auditor'] },
        }),
      },
    );
    store = api.app.get<SqliteEventStore>(EVENT_STORE);
    await chapter([
      workspaceCreated('acme'),
      workspaceCreated('globex'),
      channelCreated('acme', 'eng'),
      channelCreated('acme', 'ops'),
      connectionAdded('acme', { id: 'conn-read', actions: ['read'], resources: ['acme/**'] }),
    ]);
    await chapter([
      channelExtensionAdded('acme', 'eng', { id: 'ext-write', actions: ['write'], resources: ['acme/api'] }),
      accessRequested({
        workspaceId: 'acme',
        grantId: 'g-1',
        channelId: 'ops',
        requestedBy: 'carol',
        reason: 'hotfix',
      }),
      accessGranted({
        workspaceId: 'acme',
        grantId: 'g-1',
        channelId: 'ops',
        approvers: ['bob', 'dave'],
        expiresAt: '2099-01-01T00:00:00.000Z',
      }),
    ]);
    await chapter([
      accessRevoked('acme', 'g-1'),
      channelRestrictionAdded('acme', 'eng', { id: 'no-write', actions: ['write'], resources: ['acme/api'] }),
      serviceBound('acme', 'gateway'),
    ]);
  });
  afterAll(() => api.app.close());

  it('given the baseline only, when asking at that instant, then no channel could write', async () => {
    const report = await access(instants[0]);

    expect(report.allowed).toEqual([]);
    expect(report.denied.map((answer) => answer.channelId)).toEqual(['eng', 'ops']);
  });

  it('given an extension and an approved grant, when asking then, then each channel says through what, with the humans behind the grant', async () => {
    const report = await access(instants[1]);

    expect(report.allowed).toEqual([
      expect.objectContaining({ channelId: 'eng', through: expect.objectContaining({ layer: 'channel' }) }),
      expect.objectContaining({
        channelId: 'ops',
        through: expect.objectContaining({ layer: 'jit', grantId: 'g-1' }),
        grant: expect.objectContaining({
          requestedBy: 'carol',
          reason: 'hotfix',
          approvers: ['bob', 'dave'],
        }),
      }),
    ]);
  });

  it('given the grant revoked and a restriction, when asking now, then nobody could', async () => {
    const report = await access();

    expect(report.allowed).toEqual([]);
    expect(report.denied.find((answer) => answer.channelId === 'eng')?.through.layer).toBe('restrict');
  });

  it('given any of those instants, when asking POST /v1/check with `at`, then it answers like audit/access', async () => {
    const token = await api.token('gateway', { kind: 'service', scopes: ['permissions:check'] });
    for (const at of instants) {
      const report = await access(at);
      for (const channelId of ['eng', 'ops']) {
        const check = await api.app.inject({
          method: 'POST',
          url: '/v1/check',
          headers: { authorization: `Bearer ${token}` },
          payload: {
            workspaceId: 'acme',
            channelId,
            connector: 'github',
            action: 'write',
            resource: 'acme/api',
            at,
          },
        });
        expect(check.statusCode).toBe(200);
        const allowed = report.allowed.some((answer) => answer.channelId === channelId);
        expect({ at, channelId, allowed: (check.json() as { allowed: boolean }).allowed }).toEqual({
          at,
          channelId,
          allowed,
        });
      }
    }
  });

  describe('audit/changes', () => {
    interface Change {
      change: 'added' | 'removed';
      entry: { channelId: string; effect: string; source: string; rule: string; grantId?: string };
      causes: { type: string; globalPosition: number }[];
    }
    const changes = async (from: string, to: string, channel?: string) => {
      const response = await get(
        'aud-a',
        `/v1/workspaces/acme/audit/changes?from=${from}&to=${to}${channel ? `&channel=${channel}` : ''}`,
      );
      expect(response.statusCode).toBe(200);
      return (response.json() as { changes: Change[] }).changes.map(({ change, entry, causes }) => ({
        change,
        channel: entry.channelId,
        rule: entry.rule,
        causes: causes.map((cause) => cause.type),
      }));
    };

    it('given an extension and a grant between two instants, when diffing, then both are added with the events behind them', async () => {
      expect(await changes(instants[0], instants[1])).toEqual([
        {
          change: 'added',
          channel: 'eng',
          rule: 'channel/eng/extensions/ext-write',
          causes: ['ChannelExtensionAdded'],
        },
        { change: 'added', channel: 'ops', rule: 'grants/g-1', causes: ['AccessRequested', 'AccessGranted'] },
      ]);
    });

    it('given a revocation and a restriction, when diffing one channel, then only its changes come back', async () => {
      expect(await changes(instants[1], instants[2], 'ops')).toEqual([
        { change: 'removed', channel: 'ops', rule: 'grants/g-1', causes: ['AccessRevoked'] },
      ]);
      expect(await changes(instants[1], instants[2], 'eng')).toEqual([
        {
          change: 'added',
          channel: 'eng',
          rule: 'channel/eng/restrictions/no-write',
          causes: ['ChannelRestrictionAdded'],
        },
      ]);
    });

    it('given the same instant twice, when diffing, then nothing changed', async () => {
      expect(await changes(instants[1], instants[1])).toEqual([]);
    });
  });

  it('given an auditor of another workspace, when asking, then the workspace does not exist for them', async () => {
    const response = await get('aud-b', `/v1/workspaces/acme/audit/access?${question}`);

    expect(response.statusCode).toBe(404);
    expect(JSON.stringify(response.json())).not.toContain('eng');
  });
});
