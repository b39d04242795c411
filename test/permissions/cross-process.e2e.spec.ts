import { join } from 'node:path';
import type { EventStore } from '@mandate/event-store';
import { auditFiles } from '@mandate/event-store';
import { startTsProcess } from '@mandate/testing';
import { IdentityLog } from '../../libs/projections/test/identity-log';
import { EVENT_STORE } from '../../apps/api/src/event-store/event-store.module';
import { startTestApi, type TestApi } from '../api/api-test-kit';

const WS = 'ws-acme';

describe('read-your-writes across processes (worker writes, API checks with minPosition)', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ SQLITE_POLL_INTERVAL_MS: '20' });
    const log = new IdentityLog(api.app.get<EventStore>(EVENT_STORE));
    await log.workspace(WS, 'olivia', {
      type: 'CreateWorkspace',
      workspaceId: WS,
      name: 'Acme',
      actorIsPlatformAdmin: true,
    });
    await log.workspace(WS, 'olivia', { type: 'BindService', serviceId: 'tool-gateway' });
    await log.channel(WS, 'olivia', {
      type: 'CreateChannel',
      channelId: 'eng',
      workspaceId: WS,
      name: 'Engineering',
      visibility: 'public',
    });
  });

  afterAll(() => api.app.close());

  it('given a grant appended by another process, when checking with its position, then the API answers with it well within the wait bound', async () => {
    const writer = startTsProcess(join(__dirname, 'fixtures', 'append-grant.ts'), [
      auditFiles(api.config).events,
      WS,
      'eng',
      'g-worker',
      'acme/infra',
    ]);
    const { position } = (await writer.waitFor((message) => 'position' in (message as object))) as {
      position: number;
    };
    const token = await api.token('tool-gateway', { kind: 'service', scopes: ['permissions:check'] });
    const started = Date.now();

    const response = await api.app.inject({
      method: 'POST',
      url: '/v1/check',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        workspaceId: WS,
        channelId: 'eng',
        connector: 'github',
        action: 'write',
        resource: 'acme/infra',
        minPosition: position,
      },
    });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      allowed: true,
      provenance: { layer: 'jit', grantId: 'g-worker' },
    });
    expect(Date.now() - started).toBeLessThan(500);
    await writer.closed;
  });
});
