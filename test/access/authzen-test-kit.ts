import type { EventStore } from '@mandate/event-store';
import { IdentityLog } from '../../libs/projections/test/identity-log';
import { EVENT_STORE } from '../../apps/api/src/event-store/event-store.module';
import { ProjectionService } from '../../apps/api/src/core/projection.service';
import { startTestApi, type TestApi } from '../api/api-test-kit';

export const WS = 'ws-acme';
export const OTHER = 'ws-globex';
export const PUBLIC_URL = 'https://mandate.example.com';

export type Caller = 'service' | 'otherService' | 'unscoped' | 'admin' | 'member' | 'outsider';

export interface AuthzenScene {
  api: TestApi;
  log: IdentityLog;
  tokens: Record<Caller, string>;
  caughtUp: () => Promise<void>;
  /** POSTs JSON with a bearer token (and any extra headers). */
  post: (
    url: string,
    token: string | undefined,
    payload: unknown,
    headers?: Record<string, string>,
  ) => ReturnType<TestApi['app']['inject']>;
}

/** An evaluation of the agent in `ws/channel` doing `github:<action>` on `resource`. */
export const evaluation = (
  resource: string,
  extra: Record<string, unknown> = {},
  action = 'write',
  subject = `${WS}/eng`,
) => ({
  subject: { type: 'agent', id: subject },
  action: { name: `github:${action}` },
  resource: { type: 'github', id: resource },
  ...extra,
});

/**
 * Two tenants: ws-acme (baseline github write on acme/**; channel eng restricting acme/infra and
 * forbidding acme/secrets; a private channel) with its check service, admin and member; ws-globex
 * with its own check service and a private channel.
 */
export async function startAuthzenScene(): Promise<AuthzenScene> {
  const api = await startTestApi({
    CHECK_MIN_POSITION_WAIT_MS: '300',
    PLATFORM_ADMINS: 'ops',
    API_PUBLIC_URL: PUBLIC_URL,
  });
  const log = new IdentityLog(api.app.get<EventStore>(EVENT_STORE));
  for (const [workspaceId, owner] of [
    [WS, 'olivia'],
    [OTHER, 'gina'],
  ]) {
    await log.workspace(workspaceId, owner, {
      type: 'CreateWorkspace',
      workspaceId,
      name: workspaceId,
      actorIsPlatformAdmin: true,
    });
  }
  await log.workspace(WS, 'olivia', { type: 'GrantMemberRole', principalId: 'alice', role: 'admin' });
  await log.workspace(WS, 'olivia', { type: 'GrantMemberRole', principalId: 'bob', role: 'member' });
  await log.workspace(WS, 'olivia', { type: 'BindService', serviceId: 'tool-gateway' });
  await log.workspace(OTHER, 'gina', { type: 'BindService', serviceId: 'globex-gateway' });
  await log.baseline(WS, 'olivia', {
    connections: [
      { id: 'gh', connector: 'github', account: 'bot', actions: ['write'], resources: ['acme/**'] },
    ],
  });
  for (const [workspaceId, owner, channelId, visibility] of [
    [WS, 'olivia', 'eng', 'public'],
    [WS, 'olivia', 'hush', 'private'],
    [OTHER, 'gina', 'vault', 'private'],
  ] as const) {
    await log.channel(workspaceId, owner, {
      type: 'CreateChannel',
      channelId,
      workspaceId,
      name: channelId,
      visibility,
    });
  }
  await log.channel(WS, 'olivia', {
    type: 'RestrictChannel',
    channelId: 'eng',
    rule: { id: 'no-infra', connector: 'github', actions: ['write'], resources: ['acme/infra'] },
  });
  await log.channel(WS, 'olivia', {
    type: 'ForbidInChannel',
    channelId: 'eng',
    rule: { id: 'no-secrets', connector: 'github', actions: ['write'], resources: ['acme/secrets'] },
  });
  const caughtUp = async () => {
    await api.app.get(ProjectionService).runner.waitForPosition(await log.store.headPosition(), 2_000);
  };
  await caughtUp();
  const check = { kind: 'service' as const, scopes: ['permissions:check'] };
  const tokens: Record<Caller, string> = {
    service: await api.token('tool-gateway', check),
    otherService: await api.token('globex-gateway', check),
    unscoped: await api.token('reporter', { kind: 'service', scopes: ['other'] }),
    admin: await api.token('alice'),
    member: await api.token('bob'),
    outsider: await api.token('gina'),
  };
  const post: AuthzenScene['post'] = (url, token, payload, headers = {}) =>
    api.app.inject({
      method: 'POST',
      url,
      payload: payload as object,
      headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers },
    });
  return { api, log, tokens, caughtUp, post };
}
