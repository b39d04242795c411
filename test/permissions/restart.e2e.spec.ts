import { existsSync, readFileSync } from 'node:fs';
import type { EventStore } from '@mandate/event-store';
import { IdentityLog } from '../../libs/projections/test/identity-log';
import { EVENT_STORE } from '../../apps/api/src/event-store/event-store.module';
import { ProjectionService, snapshotPathFor } from '../../apps/api/src/core/projection.service';
import { startTestApi } from '../api/api-test-kit';

const WS = 'ws-acme';

describe('API restart', () => {
  it('given an API that served and shut down, when a new one starts on the same data directory, then it restores the snapshot and answers the same', async () => {
    const first = await startTestApi();
    const log = new IdentityLog(first.app.get<EventStore>(EVENT_STORE));
    await log.workspace(WS, 'olivia', {
      type: 'CreateWorkspace',
      workspaceId: WS,
      name: 'Acme',
      actorIsPlatformAdmin: true,
    });
    await log.workspace(WS, 'olivia', { type: 'BindService', serviceId: 'tool-gateway' });
    await log.baseline(WS, 'olivia', {
      connections: [
        { id: 'gh', connector: 'github', account: 'bot', actions: ['read'], resources: ['acme/**'] },
      ],
    });
    await log.channel(WS, 'olivia', {
      type: 'CreateChannel',
      channelId: 'eng',
      workspaceId: WS,
      name: 'Engineering',
      visibility: 'public',
    });
    const head = await log.store.headPosition();
    await first.app.get(ProjectionService).runner.waitForPosition(head, 2_000);
    const hashBefore = first.app.get(ProjectionService).projection.stateHash();
    await first.app.close();
    const snapshotPath = snapshotPathFor(first.config);

    const second = await startTestApi({ DATA_DIR: first.config.DATA_DIR });
    try {
      const projections = second.app.get(ProjectionService);
      await projections.runner.whenCaughtUp();
      const token = await second.token('tool-gateway', { kind: 'service', scopes: ['permissions:check'] });
      const response = await second.app.inject({
        method: 'POST',
        url: '/v1/check',
        headers: { authorization: `Bearer ${token}` },
        payload: {
          workspaceId: WS,
          channelId: 'eng',
          connector: 'github',
          action: 'read',
          resource: 'acme/api',
        },
      });

      expect(existsSync(snapshotPath)).toBe(true);
      expect(JSON.parse(readFileSync(snapshotPath, 'utf8')).position).toBe(head);
      expect(second.logLines()).toContainEqual(
        expect.objectContaining({ msg: 'effective-permissions projection restored', position: head }),
      );
      expect(projections.projection.stateHash()).toBe(hashBefore);
      expect(response.json()).toMatchObject({ allowed: true, position: head });
    } finally {
      await second.app.close();
    }
  });
});
