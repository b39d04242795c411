import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import { mintDevToken } from '@mandate/auth';
import { loadConfig } from '@mandate/config';
import type { EventStore } from '@mandate/event-store';
import { createLogger } from '@mandate/observability';
import { IdentityLog } from '../../libs/projections/test/identity-log';
import { createApiApp } from '../../apps/api/src/app.factory';
import { EVENT_STORE } from '../../apps/api/src/event-store/event-store.module';
import { DIR, ROOT } from './check.fixtures';

export const WORKSPACE = 'bench';
export const CHANNELS = ['eng', 'ops', 'sales', 'design'];

/**
 * The API on a fresh log with one workspace (a github baseline, four channels, the check service
 * bound), and the log written in process: an append acknowledged here is at once in the
 * projection's subscription, as a write through a route would be.
 */
export async function startClientStack() {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATA_DIR: join(DIR, `client-${process.pid}`),
    AUTH_DEV_KEY_PATH: join(ROOT, '.mandate', 'bench', 'dev-keys', 'key.json'),
    SQLITE_SYNCHRONOUS: 'NORMAL',
  });
  const logger = createLogger({
    level: 'warn',
    destination: pino.destination({ dest: '/dev/null', sync: false }),
  });
  const app = await createApiApp(config, { logger });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const log = new IdentityLog(app.get<EventStore>(EVENT_STORE));
  await log.createWorkspace(WORKSPACE, 'olivia');
  await log.workspace(WORKSPACE, 'olivia', { type: 'BindService', serviceId: 'bench-gateway' });
  await log.baseline(WORKSPACE, 'olivia', {
    connections: [
      { id: 'gh', connector: 'github', account: 'bot', actions: ['write'], resources: ['bench/**'] },
    ],
  });
  for (const channelId of CHANNELS) {
    await log.channel(WORKSPACE, 'olivia', {
      type: 'CreateChannel',
      channelId,
      workspaceId: WORKSPACE,
      name: channelId,
      visibility: 'public',
    });
  }
  const token = await mintDevToken(
    { sub: 'bench-gateway', kind: 'service', scopes: ['permissions:check'], ttl: '1h' },
    config,
  );
  let rule = 0;
  return {
    baseUrl: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`,
    token,
    /** A restriction added to a channel; resolves with its position once acknowledged. */
    restrict: async (channelId: string) =>
      (
        await log.channel(WORKSPACE, 'olivia', {
          type: 'RestrictChannel',
          channelId,
          rule: { id: `r-${++rule}`, connector: 'github', actions: ['write'], resources: [`bench/r${rule}`] },
        })
      ).position,
    close: async () => {
      await app.close();
      rmSync(config.DATA_DIR, { recursive: true, force: true });
    },
  };
}
