import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { repoRoot, resolveSchemathesis } from '@mandate/infra';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { startTestApi, type TestApi } from './api-test-kit';
import { prepareAction, prepareRequest, Scene, setUpTenants } from './authorization-matrix.scene';
import { PRINCIPALS } from './authorization-matrix.table';

/** Generous: the shared build machine runs other suites meanwhile; a quiet one needs a fraction. */
const RUN_TIMEOUT_MS = 420_000;

/** Runs `st` to the end; its output (the report Schemathesis prints) and exit code. */
function runSchemathesis(st: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(st, args, {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), RUN_TIMEOUT_MS - 10_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('OpenAPI fuzzing: Schemathesis against the running API, every operation with real ids', () => {
  let api: TestApi;
  let worker: INestApplicationContext;
  let baseUrl: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    api = await startTestApi({
      // The fuzzing user may create workspaces, so stateful runs start from new tenants too.
      PLATFORM_ADMINS: 'root,olga',
      TEMPORAL_TASK_QUEUE: `fuzz-${randomUUID()}`,
      LOG_LEVEL: 'warn',
      // Generated minPosition values are mostly ahead of the log: do not wait a second for each.
      CHECK_MIN_POSITION_WAIT_MS: '50',
    });
    worker = await NestFactory.createApplicationContext(
      WorkerModule.forConfig({ ...api.config, LOG_LEVEL: 'warn' }),
      { logger: false },
    );
    await worker.init();
    // given two tenants made through the API, and in the first one of everything an id can name
    const scene = new Scene(
      api,
      {
        workspaceId: 'acme',
        owner: 'olga',
        publicChannel: 'lobby',
        privateChannel: 'hush',
        group: 'oncall',
        requester: 'mike',
        privateRequester: 'rita',
        approver: 'april',
        recorder: PRINCIPALS['svc-actions'],
        services: ['svc-none', 'svc-check', 'svc-actions', 'svc-request'],
      },
      {
        workspaceId: 'globex',
        owner: 'otto',
        publicChannel: 'plaza',
        privateChannel: 'den',
        group: 'oncall',
        requester: 'bea',
        privateRequester: 'bo',
        approver: 'otto',
        recorder: PRINCIPALS['svc-other'],
        services: ['svc-other'],
      },
    );
    await setUpTenants(scene, {
      acme: { olga: ['owner'], april: ['approver'], mike: ['member'], rita: ['member'] },
      globex: { otto: ['owner'], bea: ['member'], bo: ['member'] },
    });
    const place = scene.place('home');
    const rule = { id: 'fuzz-rule', connector: 'github', actions: ['read'], resources: ['acme/fuzz'] };
    await scene.as('olga', 'POST', '/v1/workspaces/acme/channels/lobby/extensions', { rule });
    await scene.as('olga', 'POST', '/v1/workspaces/acme/channels', {
      channelId: 'attic',
      name: 'Attic',
      visibility: 'public',
    });
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    const address = api.app.getHttpServer().address() as { port: number };
    baseUrl = `http://127.0.0.1:${address.port}`;
    env = {
      MANDATE_USER_TOKEN: await api.token('olga'),
      // The fuzzing service holds every scope (a service is what calls checks and agent actions).
      MANDATE_SERVICE_TOKEN: await api.token('svc-actions', {
        kind: 'service',
        scopes: [
          'permissions:check',
          'agent-actions:record',
          'access:request',
          'credentials:issue',
          'credentials:introspect',
          'gateway:session',
        ],
      }),
      MANDATE_WORKSPACE_ID: 'acme',
      MANDATE_CHANNEL_ID: 'lobby',
      MANDATE_GROUP_ID: 'oncall',
      MANDATE_ARCHIVED_CHANNEL_ID: 'attic',
      MANDATE_REQUEST_ID: await prepareRequest(scene, place, 'pending'),
      MANDATE_ACTION_KEY: await prepareAction(scene, place),
      MANDATE_RULE_ID: rule.id,
      MANDATE_CONNECTION_ID: 'code',
    };
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await api?.app.close();
  }, 60_000);

  const run = async (config: string, phases: string) => {
    const st = await resolveSchemathesis();
    return runSchemathesis(
      st,
      [
        '--no-color',
        '--config-file',
        join(repoRoot, 'test', 'api', config),
        'run',
        '--phases',
        phases,
        `${baseUrl}/openapi.json`,
      ],
      env,
    );
  };

  /** Exit code 0 (Schemathesis's report when not); how many operations it tested, of how many. */
  const expectClean = ({ code, output }: { code: number | null; output: string }) => {
    expect({ code, report: code === 0 ? '' : output.slice(-12_000) }).toEqual({ code: 0, report: '' });
    const summary = output.slice(output.indexOf('= SUMMARY ='));
    return {
      tested: Number(/Tested: (\d+)/.exec(summary)?.[1]),
      total: Number(/Selected: \d+\/(\d+)/.exec(summary)?.[1]),
    };
  };

  it(
    'examples, coverage and fuzzing, positive and negative data, on every operation: no server error, nothing undocumented',
    async () => {
      // when Schemathesis runs its generating phases with every check, on real ids
      const result = await run('schemathesis.fixtures.toml', 'examples,coverage,fuzzing');

      // then it exits cleanly, having tested every operation
      const { tested, total } = expectClean(result);
      expect(tested).toBe(total);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'stateful: call sequences along the links from new workspaces break no check',
    async () => {
      // when Schemathesis chains calls along the document's links
      const result = await run('schemathesis.links.toml', 'stateful');

      // then no sequence fails a check, and the links led to most operations (those whose ids no
      // write names, a group member or a service binding, are the fuzzing phase's)
      const { tested, total } = expectClean(result);
      expect(tested).toBeGreaterThan(total / 2);
    },
    RUN_TIMEOUT_MS,
  );
});
