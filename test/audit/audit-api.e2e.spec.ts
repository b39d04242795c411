import { createPublicKey } from 'node:crypto';
import { StaticRoleResolver } from '@mandate/testing';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readExportFile, verifyExport } from '@mandate/audit';
import { auditFiles, type RecordedEvent, type SqliteEventStore } from '@mandate/event-store';
import { AuditModule } from '../../apps/api/src/audit/audit.module';
import { EVENT_STORE } from '../../apps/api/src/event-store/event-store.tokens';
import {
  accessGranted,
  agentActionAuthorized,
  appendAll,
  channelCreated,
  workspaceCreated,
} from '../../libs/audit/test/audit-events';
import { startTestApi, type TestApi } from '../api/api-test-kit';

interface Page {
  events: RecordedEvent[];
  grants: Record<string, { requestedBy: string | null; approvers: string[] }>;
  nextCursor: string | null;
  hasMore: boolean;
  indexedThrough: number;
}

describe('audit API', () => {
  let api: TestApi;
  let store: SqliteEventStore;
  let head: number;

  const get = async (sub: string, url: string) =>
    api.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${await api.token(sub)}` } });
  const page = async (sub: string, url: string): Promise<Page> => {
    const response = await get(sub, url);
    expect(response.statusCode).toBe(200);
    return response.json() as Page;
  };

  beforeAll(async () => {
    api = await startTestApi(
      { CHECKPOINT_EVERY_EVENTS: '4', PLATFORM_ADMINS: 'ops' },
      {
        imports: [AuditModule],
        roleResolver: new StaticRoleResolver({
          acme: {
            'aud-a': ['auditor'],
            'own-a': ['owner'],
            'adm-a': ['admin'],
            'mem-a': ['member'],
            'appr-a': ['approver'],
          },
          globex: { 'aud-b': ['auditor'] },
        }),
      },
    );
    store = api.app.get<SqliteEventStore>(EVENT_STORE);
    await appendAll(store, [
      workspaceCreated('acme'),
      workspaceCreated('globex'),
      channelCreated('acme', 'eng'),
      channelCreated('globex', 'eng'),
      accessGranted({ workspaceId: 'acme', grantId: 'g-1', channelId: 'eng', approvers: ['bob'] }),
      agentActionAuthorized({ workspaceId: 'acme', channelId: 'eng', grantId: 'g-1', invokedBy: 'dave' }),
      agentActionAuthorized({ workspaceId: 'globex', channelId: 'eng', resource: 'globex/secret' }),
      agentActionAuthorized({ workspaceId: 'acme', channelId: 'eng' }),
    ]);
    head = await store.headPosition();
  });
  afterAll(() => api.app.close());

  it('given an auditor or an owner, when listing events, then the workspace history comes back newest first', async () => {
    for (const sub of ['aud-a', 'own-a']) {
      const result = await page(sub, `/v1/workspaces/acme/audit/events?minPosition=${head}`);

      expect(result.events.map((event) => event.globalPosition)).toEqual([8, 6, 5, 3, 1]);
      expect(result.indexedThrough).toBeGreaterThanOrEqual(head);
    }
  });

  it('given members, approvers and admins, when listing events, then they are refused (auditors and owners only)', async () => {
    for (const sub of ['mem-a', 'appr-a', 'adm-a']) {
      expect((await get(sub, '/v1/workspaces/acme/audit/events')).statusCode).toBe(403);
    }
  });

  it('given filters, when listing actions, then each comes with the grant and approvers behind it', async () => {
    const actions = await page(
      'aud-a',
      `/v1/workspaces/acme/audit/events?type=AgentActionAuthorized&grantId=g-1&minPosition=${head}`,
    );
    expect(actions.events.map((event) => event.globalPosition)).toEqual([6]);

    expect(actions.grants['g-1']).toMatchObject({ approvers: ['bob'] });
    const grant = await page('aud-a', '/v1/workspaces/acme/audit/events?grantId=g-1&type=AccessGranted');
    expect(grant.events[0].data).toMatchObject({ approvers: ['bob'], grantId: 'g-1' });
    const invoker = await page('aud-a', '/v1/workspaces/acme/audit/events?principal=dave');
    expect(invoker.events.map((event) => event.globalPosition)).toEqual([6]);
  });

  it('given an invalid filter, when listing, then the field is named', async () => {
    const response = await get('aud-a', '/v1/workspaces/acme/audit/events?limit=0&colour=red');

    expect(response.statusCode).toBe(400);
    expect(
      (response.json() as { errors: { path: string }[] }).errors.map((error) => error.path).sort(),
    ).toEqual(['query.colour', 'query.limit']);
  });

  describe('tenant isolation', () => {
    it('given an auditor of acme, when reading globex through any audit endpoint, then globex is not found', async () => {
      for (const path of ['events', 'verify', 'export']) {
        expect((await get('aud-a', `/v1/workspaces/globex/audit/${path}`)).statusCode).toBe(404);
      }
    });

    it('given an auditor of globex, when reading its own history and export, then nothing of acme appears', async () => {
      const events = await page('aud-b', `/v1/workspaces/globex/audit/events?minPosition=${head}`);
      expect(events.events.map((event) => event.workspaceId)).toEqual(['globex', 'globex', 'globex']);
      expect(JSON.stringify(events)).not.toContain('acme');

      for (const format of ['jsonl', 'csv']) {
        const exported = await get('aud-b', `/v1/workspaces/globex/audit/export?format=${format}`);
        expect(exported.statusCode).toBe(200);
        expect(exported.body).not.toContain('acme');
        expect(exported.body).toContain('globex/secret');
      }
    });
  });

  it('given concurrent appends, when paging oldest first, then every event is seen exactly once', async () => {
    const appending = (async () => {
      for (let index = 0; index < 30; index++) {
        await appendAll(store, [agentActionAuthorized({ workspaceId: 'acme', channelId: 'load' })]);
      }
    })();
    const seen: number[] = [];
    let cursor: string | null = null;
    let done = false;
    void appending.then(() => (done = true));
    for (;;) {
      const url: string = `/v1/workspaces/acme/audit/events?order=oldest&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const result = await page('aud-a', url);
      seen.push(...result.events.map((event) => event.globalPosition));
      cursor = result.nextCursor;
      if (!result.hasMore && done && result.indexedThrough >= (await store.headPosition())) break;
      await new Promise((resolve) => setImmediate(resolve));
    }

    await appending;
    expect(new Set(seen).size).toBe(seen.length);
    const all = (await store.readAll()).filter((event) => event.workspaceId === 'acme');
    expect(seen).toEqual(all.map((event) => event.globalPosition));
  });

  it("given a workspace's auditor, when verifying the whole log, then it is refused: the global chain is the platform's", async () => {
    const platformRoute = await get('aud-a', '/v1/audit/verify');
    const workspaceRoute = await get('aud-a', '/v1/workspaces/acme/audit/verify');

    expect([platformRoute.statusCode, platformRoute.json().code]).toEqual([403, 'forbidden']);
    expect(workspaceRoute.statusCode).toBe(404);
  });

  it('given a platform admin, when verifying, then the verified range and the latest signed checkpoint come back', async () => {
    const report = (await get('ops', '/v1/audit/verify')).json() as {
      ok: boolean;
      verified: { from: number; through: number };
      head: number;
      latestCheckpoint: { position: number; verified: boolean } | null;
    };

    expect(report.ok).toBe(true);
    expect(report.verified).toEqual({ from: 1, through: report.head });
    expect(report.latestCheckpoint).toMatchObject({ verified: true });
    expect((report.latestCheckpoint?.position ?? 0) % 4).toBe(0);
  });

  it('given a range past the head, when exporting, then the export is empty but sealed and verifies', async () => {
    const response = await get('aud-a', '/v1/workspaces/acme/audit/export?from=999999');
    const path = join(api.config.DATA_DIR, 'empty.jsonl');
    writeFileSync(path, response.body);
    const publicKey = createPublicKey(readFileSync(auditFiles(api.config).signingKey));

    const result = await verifyExport((options) => readExportFile(path, options), publicKey);

    expect(response.statusCode).toBe(200);
    expect(result).toMatchObject({ ok: true, events: 0, sealVerified: true });
  });

  it('given a range asked for by instants, when exported and verified, then the header names the instants and they hold', async () => {
    const response = await get(
      'aud-a',
      '/v1/workspaces/acme/audit/export?from=2000-01-01T00:00:00%2B02:00&to=2999-01-01T00:00:00.000Z',
    );
    const path = join(api.config.DATA_DIR, 'instants.jsonl');
    writeFileSync(path, response.body);
    const publicKey = createPublicKey(readFileSync(auditFiles(api.config).signingKey));

    const result = await verifyExport((options) => readExportFile(path, options), publicKey);

    expect(result).toMatchObject({ ok: true, from: 1, sealVerified: true });
    expect(JSON.parse(response.body.split('\n')[0])).toMatchObject({
      fromInstant: '1999-12-31T22:00:00.000Z',
      toInstant: '2999-01-01T00:00:00.000Z',
      anchorRecordedAt: null,
    });
  });

  it.each(['jsonl', 'csv'])(
    'given a %s export, when verified offline with the public key, then it is intact',
    async (format) => {
      const response = await get('aud-a', `/v1/workspaces/acme/audit/export?format=${format}&from=2`);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain(
        format === 'csv' ? 'text/csv' : 'application/x-ndjson',
      );
      const path = join(api.config.DATA_DIR, `export.${format}`);
      writeFileSync(path, response.body);
      const publicKey = createPublicKey(readFileSync(auditFiles(api.config).signingKey));

      const result = await verifyExport((options) => readExportFile(path, options), publicKey);

      expect(result).toMatchObject({ ok: true, workspaceId: 'acme', from: 2, sealVerified: true });
      expect(result.checkpointsChecked).toBeGreaterThan(0);
    },
  );
});
