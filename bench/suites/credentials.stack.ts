import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mintDevToken } from '@mandate/auth';
import { type AppConfig, loadConfig } from '@mandate/config';
import type { EventStore, RecordedEvent } from '@mandate/event-store';
import { createLogger } from '@mandate/observability';
import { createApiApp } from '../../apps/api/src/app.factory';
import { EVENT_STORE } from '../../apps/api/src/event-store/event-store.module';

export const ws = '/v1/workspaces/bench';
export const leases = `${ws}/credential-leases`;

/** A recognisable secret stored as a `static` credential: the suite looks for it everywhere. */
export const CANARY = `canary-${process.pid}-7f3a9c2e5b1d`;

export interface Reply<T> {
  status: number;
  body: T;
  raw: string;
}

export interface CredentialsStack {
  app: NestFastifyApplication;
  config: AppConfig;
  store: EventStore;
  call<T>(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    as: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Reply<T>>;
  /** The headers `call` sends as `as` (its bearer token), for a floor to receive the same request. */
  headersOf(as: string): Promise<Record<string, string>>;
  /** Everything the API logged so far (debug and up), as written. */
  logOutput(): string;
  /** Every event in the store. */
  allEvents(): Promise<RecordedEvent[]>;
  close(): Promise<void>;
}

const serviceScopes: Record<string, string[]> = {
  'agent-runtime': ['credentials:issue'],
  tool: ['credentials:introspect'],
};

/**
 * The API in this process on a fresh SQLite file and an embedded vault, logging at debug into
 * memory: workspace `bench` whose baseline reads `bench/*` on GitHub through `github-main`
 * (a `mandate-jwt` credential), a `jira` connection holding the canary as a `static` secret,
 * channel `eng`, member `mike` (the invoker), services `agent-runtime` and `tool`.
 */
export async function startCredentialsStack(): Promise<CredentialsStack> {
  const dir = mkdtempSync(join(tmpdir(), 'mandate-bench-credentials-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'debug',
    DATA_DIR: join(dir, 'data'),
    AUTH_DEV_KEY_PATH: join(dir, 'dev-keys', 'key.json'),
    PLATFORM_ADMINS: 'root',
    VAULT_BACKEND: 'embedded',
    // No Temporal here: mandate-jwt leases need none, and nothing else in this stack asks for it.
    TEMPORAL_ADDRESS: '127.0.0.1:1',
  });
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: 'debug', destination: sink });
  const app = await createApiApp(config, { logger });
  await app.init();
  const tokens = new Map<string, string>();
  const tokenOf = async (as: string) => {
    const scopes = serviceScopes[as] ?? [];
    const token =
      tokens.get(as) ??
      (await mintDevToken({ sub: as, kind: scopes.length ? 'service' : 'user', scopes, ttl: '1h' }, config));
    tokens.set(as, token);
    return token;
  };
  const headersOf = async (as: string) => ({ authorization: `Bearer ${await tokenOf(as)}` });
  const call: CredentialsStack['call'] = async (method, url, as, body, headers = {}) => {
    const response = await app.inject({
      method,
      url,
      headers: { ...(await headersOf(as)), ...headers },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    // An export is JSON Lines or CSV: its body is read as text only.
    const json = /^application\/(problem\+)?json/.test(String(response.headers['content-type']));
    return {
      status: response.statusCode,
      body: (json ? response.json() : undefined) as never,
      raw: response.body,
    };
  };
  const expect = async <T>(status: number, reply: Promise<Reply<T>>): Promise<T> => {
    const { status: actual, body } = await reply;
    if (actual !== status) throw new Error(`expected ${status}, got ${actual}: ${JSON.stringify(body)}`);
    return body;
  };
  await expect(201, call('POST', '/v1/workspaces', 'root', { workspaceId: 'bench', name: 'Bench' }));
  await expect(200, call('PUT', `${ws}/members/mike/roles/member`, 'root'));
  for (const service of Object.keys(serviceScopes)) {
    await expect(200, call('PUT', `${ws}/services/${service}`, 'root'));
  }
  await expect(
    201,
    call('POST', `${ws}/channels`, 'root', { channelId: 'eng', name: 'Eng', visibility: 'public' }),
  );
  await expect(
    200,
    call(
      'PUT',
      `${ws}/agent-identity`,
      'root',
      {
        connections: [
          {
            id: 'github-main',
            connector: 'github',
            account: 'app:bot',
            actions: ['read'],
            resources: ['bench/*'],
          },
          { id: 'jira', connector: 'jira', account: 'bot', actions: ['read'], resources: ['ENG/*'] },
        ],
      },
      { 'if-match': '"0"' },
    ),
  );
  await expect(200, call('PUT', `${ws}/connections/github-main/credential`, 'root', { kind: 'mandate-jwt' }));
  await expect(
    200,
    call('PUT', `${ws}/connections/jira/credential`, 'root', {
      kind: 'static',
      secret: CANARY,
      hosts: ['jira.example.com'],
      header: 'Authorization: Bearer {secret}',
    }),
  );
  // Roles and the baseline come from projections: wait until a lease is allowed.
  for (let tries = 0; ; tries++) {
    const probe = await call('POST', leases, 'agent-runtime', {
      channelId: 'eng',
      connector: 'github',
      actions: ['read'],
      resources: ['bench/warm'],
      invokedBy: 'mike',
      idempotencyKey: `warm-${tries}`,
    });
    if (probe.status === 201 || probe.status === 200) break;
    if (tries > 200) throw new Error(`the projections did not catch up with the setup: ${probe.raw}`);
    await sleep(20);
  }
  const store = app.get<EventStore>(EVENT_STORE);
  return {
    app,
    config,
    store,
    call,
    headersOf,
    logOutput: () => chunks.join(''),
    async allEvents() {
      const events: RecordedEvent[] = [];
      for (;;) {
        const from = events.length === 0 ? 1 : events[events.length - 1].globalPosition + 1;
        const page = await store.readAll({ fromPosition: from, limit: 1000 });
        if (page.length === 0) return events;
        events.push(...page);
      }
    },
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
