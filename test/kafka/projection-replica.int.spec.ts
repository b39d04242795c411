import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mintDevToken } from '@mandate/auth';
import { loadConfig, type AppConfig } from '@mandate/config';
import { relayTopics } from '@mandate/kafka';
import { createLogger } from '@mandate/observability';
import { createTempDir, type TempDir } from '@mandate/testing';
import type { EventStore } from '@mandate/event-store';
import { createApiApp } from '../../apps/api/src/app.factory';
import { EVENT_STORE } from '../../apps/api/src/event-store/event-store.tokens';
import { testKafka, uniquePrefix } from './kafka-test-kit';

interface Instance {
  app: NestFastifyApplication;
  config: AppConfig;
}

const CHANNELS = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'];
const ACTIONS = ['read', 'write', 'admin'];
const RESOURCES = ['acme/api', 'acme/web', 'acme/infra/prod', 'other/repo'];

describe('Projection replica mode: an API fed from Kafka answers checks like the one fed from the store', () => {
  let dir: TempDir;
  let primary: Instance;
  let replica: Instance | undefined;
  const prefix = uniquePrefix();

  const start = async (name: string, env: Record<string, string>): Promise<Instance> => {
    const config = loadConfig({
      DATA_DIR: dir.file(`${name}-data`),
      AUTH_DEV_KEY_PATH: dir.file('dev-key.json'),
      PLATFORM_ADMINS: 'root',
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_CLIENT_ID: `${prefix}-${name}`,
      ...env,
    });
    return { app: await createApiApp(config, { logger: createLogger({ level: 'silent' }) }), config };
  };

  const call = async (
    instance: Instance,
    method: 'POST' | 'PUT',
    url: string,
    { as, body, headers = {} }: { as: string; body?: object; headers?: Record<string, string> },
  ) => {
    const scopes = as === 'gateway' ? ['permissions:check'] : [];
    const token = await mintDevToken(
      { sub: as, kind: as === 'gateway' ? 'service' : 'user', scopes, ttl: '5m' },
      instance.config,
    );
    const response = await instance.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(body ? { payload: body } : {}),
    });
    if (response.statusCode >= 300 && response.statusCode !== 409) {
      throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
    }
    return response;
  };

  /** Every channel × action × resource, as a batch check answered once the projection reached `position`. */
  const allChecks = (position: number) => ({
    checks: CHANNELS.flatMap((channelId) =>
      ACTIONS.flatMap((action) =>
        RESOURCES.map((resource) => ({
          workspaceId: 'acme',
          channelId,
          connector: 'github',
          action,
          resource,
          minPosition: position,
        })),
      ),
    ),
  });

  /** The batch's answers at `position`: asked again only while the instance says it is not there yet (409). */
  const answers = async (instance: Instance, position: number) => {
    for (let attempt = 0; ; attempt++) {
      const response = await call(instance, 'POST', '/v1/check/batch', {
        as: 'gateway',
        body: allChecks(position),
      });
      if (response.statusCode === 409 && attempt < 30) continue;
      expect(response.statusCode).toBe(200);
      const { results } = response.json<{ results: Array<{ position: number; allowed: boolean }> }>();
      // A replica waits for the caller's minPosition before refusing it as a stranger, so even a
      // binding it had not consumed yet is honoured: every answer is at the position asked.
      expect(results.filter((result) => result.position < position)).toEqual([]);
      return results;
    }
  };

  beforeAll(async () => {
    dir = createTempDir('mandate-replica-');
    primary = await start('primary', {});
  }, 60_000);

  afterAll(async () => {
    await replica?.app.close();
    await primary?.app.close();
    const admin = testKafka().admin();
    await admin.connect();
    await admin.deleteTopics({ topics: relayTopics(prefix) }).catch(() => undefined);
    await admin.disconnect();
    dir?.remove();
  }, 60_000);

  it('given changes before the replica starts and a burst after, then both instances give the same answers', async () => {
    // given a workspace with a baseline, set up before the replica exists
    await call(primary, 'POST', '/v1/workspaces', {
      as: 'root',
      body: { workspaceId: 'acme', name: 'Acme' },
    });
    await call(primary, 'PUT', '/v1/workspaces/acme/members/alice/roles/admin', { as: 'root' });
    await call(primary, 'PUT', '/v1/workspaces/acme/services/gateway', { as: 'alice' });
    await call(primary, 'PUT', '/v1/workspaces/acme/agent-identity', {
      as: 'alice',
      headers: { 'if-match': '"0"' },
      body: {
        connections: [
          {
            id: 'github-main',
            connector: 'github',
            account: 'app:bot',
            actions: ['write'],
            resources: ['acme/*'],
          },
        ],
      },
    });

    // when a replica starts from Kafka (no relay of its own) while a burst of changes reaches the primary
    const replicaStarting = start('replica', { PROJECTION_SOURCE: 'kafka', RELAY_ENABLED: 'false' });
    let position = 0;
    for (const [index, channelId] of CHANNELS.entries()) {
      const created = await call(primary, 'POST', '/v1/workspaces/acme/channels', {
        as: 'alice',
        body: { channelId, name: `Channel ${index}`, visibility: 'public' },
      });
      position = created.json<{ position: number }>().position;
      const rule = { id: `r-${channelId}`, connector: 'github' };
      const kind = ['extensions', 'restrictions', 'forbidden'][index % 3];
      const body =
        kind === 'extensions'
          ? { rule: { ...rule, actions: ['admin'], resources: ['acme/infra/**'] } }
          : kind === 'restrictions'
            ? { rule: { ...rule, actions: ['write'], resources: ['acme/web'] } }
            : { rule: { ...rule, actions: ['read'], resources: ['acme/api'] } };
      const changed = await call(primary, 'POST', `/v1/workspaces/acme/channels/${channelId}/${kind}`, {
        as: 'alice',
        body,
      });
      position = changed.json<{ position: number }>().position;
    }
    replica = await replicaStarting;

    // then, at the burst's last position, every check gets the same answer from both
    const fromStore = await answers(primary, position);
    const fromKafka = await answers(replica, position);
    expect(fromStore).toHaveLength(CHANNELS.length * ACTIONS.length * RESOURCES.length);
    expect(fromKafka).toEqual(fromStore);
    // though the replica's own store never saw an event: its projection came from Kafka alone
    expect(await replica.app.get<EventStore>(EVENT_STORE).headPosition()).toBe(0);
    expect(await primary.app.get<EventStore>(EVENT_STORE).headPosition()).toBe(position);
    // and the answers are not trivially alike: the rules above allow some and deny others
    const allowed = fromStore.map((answer) => answer.allowed);
    expect(allowed).toContain(true);
    expect(allowed).toContain(false);
  }, 120_000);
});
