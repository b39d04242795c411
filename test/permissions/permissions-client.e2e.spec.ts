import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { type CheckAnswer, type DecisionQuery, PermissionsClient } from '@mandate/client';
import type { EventStore } from '@mandate/event-store';
import { IdentityLog } from '../../libs/projections/test/identity-log';
import { EVENT_STORE } from '../../apps/api/src/event-store/event-store.module';
import { startTestApi, type TestApi } from '../api/api-test-kit';

const WS = 'acme';
const CHANNELS = ['eng', 'ops'] as const;
const RESOURCES = ['acme/api', 'acme/web', 'acme/infra', 'other/tool'] as const;

type Step =
  | { kind: 'restrict' | 'grant'; channelId: string; resource: string; ttlMs: number }
  | { kind: 'unrestrict' | 'revoke' | 'expire'; pick: number }
  | { kind: 'sleep'; ms: number }
  | { kind: 'settle' }
  | { kind: 'check'; channelId: string; action: string; resource: string };

const channel = fc.constantFrom(...CHANNELS);
const resource = fc.constantFrom(...RESOURCES);
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('restrict' as const, 'grant' as const),
    channelId: channel,
    resource,
    ttlMs: fc.integer({ min: 150, max: 800 }),
  }),
  fc.record({
    kind: fc.constantFrom('unrestrict' as const, 'revoke' as const, 'expire' as const),
    pick: fc.nat(),
  }),
  fc.record({ kind: fc.constant('sleep' as const), ms: fc.integer({ min: 0, max: 400 }) }),
  fc.constant({ kind: 'settle' as const }),
  {
    arbitrary: fc.record({
      kind: fc.constant('check' as const),
      channelId: channel,
      action: fc.constantFrom('read', 'write'),
      resource,
    }),
    weight: 4,
  },
);

describe('PermissionsClient: the cached answer is the API’s answer (property, real API)', () => {
  let api: TestApi;
  let log: IdentityLog;
  let client: PermissionsClient;
  let baseUrl: string;
  let token: string;
  let serial = 0;
  const restrictions: Array<{ channelId: string; ruleId: string }> = [];
  const grants: Array<{ grantId: string; expiresAtMs: number }> = [];
  const stats = { compared: 0, nearExpiry: 0 };
  // The position of the last write, across the property's runs: each run starts where the last one's
  // writes left the log (a run's first check, asked with 0, could rightly be answered from before them).
  let lastWrite = 0;

  const fresh = async (query: DecisionQuery, minPosition: number): Promise<CheckAnswer> => {
    const response = await fetch(`${baseUrl}/v1/check`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ workspaceId: WS, ...query, minPosition }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as CheckAnswer;
  };
  const verdict = ({ allowed, reason, provenance }: CheckAnswer) => ({ allowed, reason, provenance });

  beforeAll(async () => {
    api = await startTestApi({ PLATFORM_ADMINS: 'olivia', CHECK_MIN_POSITION_WAIT_MS: '1000' });
    log = new IdentityLog(api.app.get<EventStore>(EVENT_STORE));
    await log.createWorkspace(WS, 'olivia');
    await log.workspace(WS, 'olivia', { type: 'BindService', serviceId: 'tool-gateway' });
    await log.baseline(WS, 'olivia', {
      connections: [
        { id: 'gh', connector: 'github', account: 'bot', actions: ['write'], resources: ['acme/**'] },
      ],
    });
    for (const channelId of CHANNELS) {
      await log.channel(WS, 'olivia', {
        type: 'CreateChannel',
        channelId,
        workspaceId: WS,
        name: channelId,
        visibility: 'public',
      });
    }
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    token = await api.token('tool-gateway', { kind: 'service', scopes: ['permissions:check'] });
    // A write that changes no permission (a second end of one grant) is told by the next heartbeat.
    client = new PermissionsClient({
      baseUrl,
      workspaceId: WS,
      token,
      reconnectDelayMs: 100,
      heartbeatSeconds: 1,
    });
    await client.start();
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await api?.app.close();
  });

  async function run(steps: Step[]): Promise<void> {
    for (const next of steps) {
      switch (next.kind) {
        case 'restrict': {
          const ruleId = `p-${++serial}`;
          const rule = { id: ruleId, connector: 'github', actions: ['write'], resources: [next.resource] };
          lastWrite = (
            await log.channel(WS, 'olivia', { type: 'RestrictChannel', channelId: next.channelId, rule })
          ).position;
          restrictions.push({ channelId: next.channelId, ruleId });
          break;
        }
        case 'unrestrict': {
          if (restrictions.length === 0) break;
          const [{ channelId, ruleId }] = restrictions.splice(next.pick % restrictions.length, 1);
          lastWrite = (
            await log.channel(WS, 'olivia', { type: 'RemoveChannelRestriction', channelId, ruleId })
          ).position;
          break;
        }
        case 'grant': {
          const grantId = `g-${++serial}`;
          const expiresAtMs = Date.now() + next.ttlMs;
          lastWrite = (
            await log.grant(WS, {
              grantId,
              channelId: next.channelId,
              connector: 'github',
              actions: ['write'],
              resources: [next.resource],
              expiresAt: new Date(expiresAtMs).toISOString(),
            })
          ).position;
          grants.push({ grantId, expiresAtMs });
          break;
        }
        case 'revoke':
        case 'expire': {
          if (grants.length === 0) break;
          const { grantId, expiresAtMs } = grants[next.pick % grants.length];
          lastWrite = (
            next.kind === 'revoke'
              ? await log.revokeGrant(WS, grantId)
              : await log.expireGrant(WS, grantId, new Date(expiresAtMs).toISOString())
          ).position;
          break;
        }
        case 'sleep':
          await new Promise((resolve) => setTimeout(resolve, next.ms));
          break;
        case 'settle': {
          const deadline = Date.now() + 3_000;
          while (client.position < lastWrite && Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
          break;
        }
        case 'check': {
          // when the client answers, and the API is asked afresh, both with the last write's position
          const query = {
            channelId: next.channelId,
            connector: 'github',
            action: next.action,
            resource: next.resource,
          };
          const before = Date.now();
          const cached = await client.check(query, { minPosition: lastWrite });
          const answer = await fresh(query, lastWrite);
          const after = Date.now();
          // A grant expiring between the two answers may rightly change it: not comparable.
          if (grants.some(({ expiresAtMs }) => expiresAtMs >= before - 50 && expiresAtMs <= after + 50)) {
            stats.nearExpiry++;
            break;
          }
          // then they agree
          expect(verdict(cached)).toEqual(verdict(answer));
          stats.compared++;
          break;
        }
      }
    }
  }

  it('for random interleavings of writes, grants, expiries and checks, the cached answer equals a fresh POST /v1/check', async () => {
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 10, maxLength: 30 }), run), {
      numRuns: 12,
      endOnFailure: true,
    });

    // and most answers were comparable (few fell beside an expiry)
    expect(stats.compared).toBeGreaterThan(stats.nearExpiry);
  }, 90_000);

  it('once the log is quiet, a repeated check is answered from the cache, and that answer is the API’s', async () => {
    // given the property's writes, every grant past its expiry, a last write that changes no
    // permission (a grant revoked twice: told only by a heartbeat), and the client caught up with the log
    const lastExpiry = Math.max(0, ...grants.map(({ expiresAtMs }) => expiresAtMs));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, lastExpiry + 100 - Date.now())));
    await run([{ kind: 'grant', channelId: 'eng', resource: 'acme/api', ttlMs: 60_000 }]);
    await run([
      { kind: 'revoke', pick: grants.length - 1 },
      { kind: 'revoke', pick: grants.length - 1 },
    ]);
    await run([{ kind: 'settle' }]);
    expect(client.position).toBeGreaterThanOrEqual(lastWrite);

    for (const channelId of CHANNELS) {
      for (const resource of RESOURCES) {
        for (const action of ['read', 'write']) {
          const query = { channelId, connector: 'github', action, resource };
          // when it is asked once (filling the cache) and then again
          await client.check(query, { minPosition: lastWrite });
          const cached = client.cached(query, lastWrite);

          // then the second answer comes from the cache and equals a fresh POST /v1/check
          expect(cached).toBeDefined();
          expect(verdict(cached as CheckAnswer)).toEqual(verdict(await fresh(query, lastWrite)));
        }
      }
    }
  }, 30_000);
});
