import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { EventStore } from '@mandate/event-store';
import { freshTemporalNamespace } from '@mandate/testing';
import { runDemo, type DemoRun } from '../../apps/cli/src/demo/run-demo';
import { EVENT_STORE } from '../../apps/api/src/event-store/event-store.module';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { startTestApi, type TestApi } from '../api/api-test-kit';

const ROOT = join(__dirname, '..', '..');

/** `npm run cli -- demo` as a user runs it, against the API at `port`. */
function cliDemo(
  api: TestApi,
  port: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['-r', './scripts/register.js', 'apps/cli/src/main.ts', 'demo'], {
    cwd: ROOT,
    env: {
      ...process.env,
      API_PORT: String(port),
      AUTH_DEV_KEY_PATH: api.config.AUTH_DEV_KEY_PATH,
      PLATFORM_ADMINS: 'alice',
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('npm run cli -- demo (API listening, worker, Temporal)', () => {
  let api: TestApi;
  let worker: INestApplicationContext | undefined;
  let url: string;
  let port: number;
  let first: DemoRun;

  const as = async <T>(run: DemoRun, persona: string, path: string): Promise<T> => {
    const token = run.tokens.find((t) => t.id === persona)?.token;
    const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect({ path, status: response.status }).toEqual({ path, status: 200 });
    return (await response.json()) as T;
  };
  const head = () => api.app.get<EventStore>(EVENT_STORE).headPosition();
  /** What was written after `position`, by type and stream (to name what a second run duplicated). */
  const writtenAfter = async (position: number) =>
    (await api.app.get<EventStore>(EVENT_STORE).readAll({ fromPosition: position + 1 })).map(
      (event) => `${event.type} ${event.streamId}`,
    );

  beforeAll(async () => {
    // The demo's request ids are fixed: its workflows get a namespace of their own.
    const namespace = await freshTemporalNamespace(process.env.TEMPORAL_ADDRESS!, 'demo');
    api = await startTestApi({
      PLATFORM_ADMINS: 'alice',
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: `demo-${randomUUID()}`,
    });
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    url = await api.app.getUrl();
    port = Number(new URL(url).port);
    worker = await NestFactory.createApplicationContext(
      WorkerModule.forConfig({ ...api.config, LOG_LEVEL: 'warn' }),
      { logger: false },
    );
    await worker.init();
    first = await runDemo(api.config, url);
  }, 180_000);

  afterAll(async () => {
    await worker?.close();
    await api?.app.close();
  }, 60_000);

  it('builds acme through the API: channels, a pending request, an active grant, and a token per persona', async () => {
    expect(first.summary).toEqual({
      workspaceId: 'acme',
      channels: 3,
      pending: ['demo-infra-write'],
      active: [{ grantId: 'demo-web-write', expiresAt: expect.any(String) }],
    });
    expect(first.tokens.map((t) => t.variable)).toEqual([
      'ALICE',
      'BOB',
      'CAROL',
      'DAVE',
      'ERIN',
      'FRANK',
      'AGENT',
    ]);

    // the personas are who the demo says they are
    const members = await as<{ items: { principalId: string; roles: string[] }[] }>(
      first,
      'frank',
      '/v1/workspaces/acme/members',
    );
    expect(Object.fromEntries(members.items.map((m) => [m.principalId, m.roles]))).toEqual({
      alice: ['owner'],
      bob: ['approver'],
      carol: ['approver'],
      dave: ['member'],
      erin: ['auditor'],
      frank: ['member'],
    });
    const channelsOf = async (persona: string) =>
      (
        await as<{ items: { channelId: string }[] }>(first, persona, '/v1/workspaces/acme/channels')
      ).items.map((c) => c.channelId);
    expect(await channelsOf('dave')).toEqual(['eng', 'incident', 'random']);
    expect(await channelsOf('frank')).toEqual(['eng', 'random']);

    // the baseline: GitHub read on acme/*, Drive view on the shared folder, egress, the secrets guardrail
    const { connections, egress, forbidden } = await as<{
      connections: { id: string }[];
      egress: { host: string }[];
      forbidden: { id: string }[];
    }>(first, 'dave', '/v1/workspaces/acme/agent-identity');
    expect(connections.map((c) => c.id).sort()).toEqual(['drive-engineering', 'github-read']);
    expect(egress.length).toBeGreaterThan(0);
    expect(forbidden.map((f) => f.id)).toEqual(['no-secrets']);

    // history: bob approved dave's request, carol denied frank's, the agent's actions are on record
    const granted = await as<{ timeline: { type: string; actor: { id: string } }[] }>(
      first,
      'erin',
      '/v1/workspaces/acme/access-requests/demo-web-write',
    );
    expect(granted.timeline.find((e) => e.type === 'AccessApprovalRecorded')?.actor.id).toBe('bob');
    expect(
      (await as<{ status: string }>(first, 'erin', '/v1/workspaces/acme/access-requests/demo-docs-admin'))
        .status,
    ).toBe('denied');
    const write = await as<{
      decision: { allowed: boolean; provenance: { layer: string; grantId?: string } };
    }>(first, 'erin', '/v1/workspaces/acme/agent-actions/demo-write-web');
    expect(write.decision).toMatchObject({
      allowed: true,
      provenance: { layer: 'jit', grantId: 'demo-web-write' },
    });
    const secrets = await as<{ decision: { allowed: boolean; provenance: { layer: string } } }>(
      first,
      'erin',
      '/v1/workspaces/acme/agent-actions/demo-read-secrets',
    );
    expect(secrets.decision).toMatchObject({ allowed: false, provenance: { layer: 'forbid' } });
  });

  it('running it again (through the CLI) writes nothing and prints the exports a shell can eval', async () => {
    // given the demo has run once
    const before = await head();

    // when it runs again, as `npm run cli -- demo`
    const again = await cliDemo(api, port);

    // then it succeeds, the log is unchanged, and stdout is `export NAME=token` lines only
    expect({ code: again.code, stderr: again.stderr }).toMatchObject({ code: 0 });
    expect(await writtenAfter(before)).toEqual([]);
    const exports = again.stdout.trim().split('\n');
    expect(exports[0]).toBe(`export API=http://127.0.0.1:${port}`);
    expect(exports.slice(1).map((line) => line.split('=')[0])).toEqual(
      ['ALICE', 'BOB', 'CAROL', 'DAVE', 'ERIN', 'FRANK', 'AGENT'].map((name) => `export ${name}`),
    );
    expect(again.stderr).toContain('pending request demo-infra-write; active grant demo-web-write until');
    const dave = exports.find((line) => line.startsWith('export DAVE='))!.slice('export DAVE='.length);
    const me = await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${dave}` } });
    expect(await me.json()).toMatchObject({
      id: 'dave',
      workspaces: { items: [{ workspaceId: 'acme', roles: ['member'] }] },
    });
  }, 60_000);
});
