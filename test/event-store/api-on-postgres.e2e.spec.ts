import { createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readExportFile, verifyExport } from '@mandate/audit';
import { auditFiles, type EventStore, isAppEventStore, PostgresEventStore } from '@mandate/event-store';
import { RELAY_CONSUMER } from '@mandate/kafka';
import { requireDatabaseUrl } from '@mandate/testing';
import { EVENT_STORE } from '../../apps/api/src/event-store/event-store.tokens';
import { startTestApi, type TestApi } from '../api/api-test-kit';

/** The relay's checkpoint, read from the store that keeps it, once it reaches `position`. */
async function relayCheckpointReaching(
  store: EventStore,
  position: number,
  timeoutMs = 15_000,
): Promise<number> {
  if (!isAppEventStore(store)) throw new Error('the store keeps no checkpoints');
  const deadline = Date.now() + timeoutMs;
  let checkpoint = await store.checkpointStore().load(RELAY_CONSUMER);
  while (checkpoint < position && Date.now() < deadline) {
    await sleep(100);
    checkpoint = await store.checkpointStore().load(RELAY_CONSUMER);
  }
  return checkpoint;
}

describe('The API on PostgreSQL (EVENT_STORE=postgres, through the one store factory)', () => {
  let api: TestApi;
  const workspaceId = `pg${Date.now().toString(36)}`;

  beforeAll(async () => {
    api = await startTestApi({
      EVENT_STORE: 'postgres',
      DATABASE_URL: requireDatabaseUrl(),
      PLATFORM_ADMINS: 'root',
      CHECKPOINT_EVERY_EVENTS: '2',
    });
  }, 60_000);

  afterAll(() => api.app.close());

  it('given EVENT_STORE=postgres, when a workspace is created, then its events are in PostgreSQL at the position answered, and the Kafka relay checkpoints them there', async () => {
    const token = await api.token('root');

    const response = await api.app.inject({
      method: 'POST',
      url: '/v1/workspaces',
      headers: { authorization: `Bearer ${token}` },
      payload: { workspaceId, name: 'On PostgreSQL' },
    });

    expect(response.statusCode).toBe(201);
    const { position } = response.json<{ position: number }>();
    const store = api.app.get<EventStore>(EVENT_STORE);
    expect(store).toBeInstanceOf(PostgresEventStore);
    expect(
      (await store.readAll({ fromPosition: position - 1, limit: 2 })).map((e) => [e.type, e.workspaceId]),
    ).toEqual([
      ['WorkspaceCreated', workspaceId],
      ['MemberRoleGranted', workspaceId],
    ]);
    expect(await relayCheckpointReaching(store, position)).toBeGreaterThanOrEqual(position);
  });

  it('given a platform admin, when verifying the log on PostgreSQL, then the chain verifies through the store and the API signs checkpoints over it', async () => {
    const token = await api.token('root');
    const verify = async () =>
      (
        await api.app.inject({
          method: 'GET',
          url: '/v1/audit/verify',
          headers: { authorization: `Bearer ${token}` },
        })
      ).json<{
        ok: boolean;
        verified: { from: number; through: number };
        head: number;
        latestCheckpoint: { verified: boolean } | null;
      }>();
    let report = await verify();
    for (let tries = 0; report.latestCheckpoint === null && tries < 50; tries++) {
      await sleep(100);
      report = await verify();
    }

    expect(report).toMatchObject({ ok: true, verified: { from: 1, through: report.head } });
    expect(report.latestCheckpoint).toMatchObject({ verified: true });
  });

  it("given the workspace's owner, when exporting on PostgreSQL (JSON lines and CSV), then the export is read through the store, sealed, and verifies with its events", async () => {
    for (const format of ['jsonl', 'csv'] as const) {
      const response = await api.app.inject({
        method: 'GET',
        url: `/v1/workspaces/${workspaceId}/audit/export?format=${format}`,
        headers: { authorization: `Bearer ${await api.token('root')}` },
      });
      const path = join(api.config.DATA_DIR, `postgres-export.${format}`);
      writeFileSync(path, response.body);
      const publicKey = createPublicKey(readFileSync(auditFiles(api.config).signingKey));

      const result = await verifyExport((options) => readExportFile(path, options), publicKey);

      expect([format, response.statusCode]).toEqual([format, 200]);
      expect(result).toMatchObject({ ok: true, from: 1, sealVerified: true });
      expect(result.events).toBeGreaterThanOrEqual(2);
      expect(response.body).toContain('WorkspaceCreated');
    }
  });

  it('given the store at hand, when probing readiness, then the event store answers from PostgreSQL', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/readyz' });

    expect(response.json()).toMatchObject({ checks: { 'event-store': { state: 'up' } } });
  });
});
