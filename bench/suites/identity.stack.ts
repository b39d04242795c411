import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mintDevToken } from '@mandate/auth';
import { loadConfig } from '@mandate/config';
import type { EventStore } from '@mandate/event-store';
import { createLogger } from '@mandate/observability';
import { createTempDir } from '@mandate/testing';
import { createApiApp } from '../../apps/api/src/app.factory';
import { EVENT_STORE } from '../../apps/api/src/event-store/event-store.module';

/** The identity suite's app: real, in-process, driven through `inject` as an admin and as the runtime. */

export type Synchronous = 'FULL' | 'NORMAL';

const ROOT = join(__dirname, '..', '..');
export type Call = (
  method: 'POST' | 'PUT',
  url: string,
  body: object,
  headers?: Record<string, string>,
) => Promise<number>;

export const connection = (index: number, actions: string[]) => ({
  id: `conn-${index}`,
  connector: 'github',
  account: 'app:bot',
  actions,
  resources: [`org${index}/*`],
});

/** The app, callers for an admin and the agent runtime, and its store. */
export interface Api {
  app: NestFastifyApplication;
  admin: Call;
  runtime: Call;
  store: EventStore;
}

async function start(dir: string, synchronous: Synchronous): Promise<Api> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    SQLITE_SYNCHRONOUS: synchronous,
    DATA_DIR: join(dir, 'data'),
    AUTH_DEV_KEY_PATH: join(ROOT, '.mandate', 'bench', 'dev-keys', 'key.json'),
    PLATFORM_ADMINS: 'root',
  });
  const app = await createApiApp(config, { logger: createLogger({ level: 'warn' }) });
  const callAs = async (sub: string, scopes: string[]): Promise<Call> => {
    const token = await mintDevToken(
      { sub, kind: scopes.length ? 'service' : 'user', scopes, ttl: '1h' },
      config,
    );
    return async (method, url, body, headers = {}) => {
      const response = await app.inject({
        method,
        url,
        payload: body,
        headers: { authorization: `Bearer ${token}`, ...headers },
      });
      if (response.statusCode >= 300)
        throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
      return response.statusCode;
    };
  };
  return {
    app,
    admin: await callAs('root', []),
    runtime: await callAs('runtime', ['agent-actions:record']),
    store: app.get<EventStore>(EVENT_STORE),
  };
}

/** An app of its own in a directory of its own, for one run of `work`. */
export async function withApp<T>(synchronous: Synchronous, work: (api: Api) => Promise<T>): Promise<T> {
  const dir = createTempDir('mandate-bench-identity-');
  const api = await start(dir.path, synchronous);
  try {
    return await work(api);
  } finally {
    await api.app.close();
    dir.remove();
  }
}
