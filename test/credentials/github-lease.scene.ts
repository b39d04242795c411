import { randomUUID } from 'node:crypto';
import { Global, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { LightMyRequestResponse } from 'fastify';
import { startTrustedGithubStandIn, type TrustedGithub } from '@mandate/testing';
import { ProjectionService } from '../../apps/api/src/core/projection.service';
import { INVOKER_RIGHT_UPSTREAM } from '../../apps/api/src/overlays/invoker-right.source';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { type IdentityApi, startIdentityApi } from '../identity/identity-test-kit';

export const ws = '/v1/workspaces/acme';

/** The response's body, once its status is the one expected (the body is shown when it is not). */
export const ok = <T>(response: LightMyRequestResponse, status = 200): T => {
  expect({ status: response.statusCode, body: response.json() }).toMatchObject({ status });
  return response.json<T>();
};

/**
 * An agent identity reading every acme repository through each of `connectionIds`, with the
 * overlay `payroll-own-right`: the agent reads acme/payroll only for an invoker who could read it
 * themselves at GitHub.
 */
export const payrollOverlayIdentity = (connectionIds: string[]) => ({
  connections: connectionIds.map((id) => ({
    id,
    connector: 'github',
    account: 'app:4242',
    actions: ['read'],
    resources: ['acme/*'],
  })),
  overlays: [
    {
      id: 'payroll-own-right',
      connector: 'github',
      actions: ['read'],
      resources: ['acme/payroll'],
      invoker: { invokerCan: true },
    },
  ],
});

export interface GithubLeaseSceneOptions {
  /** Names the scene's directories and task queue. */
  name: string;
  /** The workspace's agent identity (`PUT …/agent-identity`): its connections, overlays… */
  identity: Record<string, unknown>;
  /** The connection the App's credential is stored for. */
  credentialFor?: string;
  /** Roles root grants in acme (default: alice admin, rita member). */
  members?: Record<string, string>;
  /** Services bound to acme (default: the agent runtime). */
  services?: string[];
  /** Who creates channel `eng` (its channel admin); root by default. */
  channelCreator?: string;
  /** Repositories the App's installation sees (the stand-in's default: api, web). */
  repositories?: string[];
  /** A worker in this process on the scene's task queue, trusting the stand-in (default true). */
  worker?: boolean;
}

export interface GithubLeaseScene {
  github: TrustedGithub;
  api: IdentityApi;
  worker: INestApplicationContext | undefined;
  /** Waits until the API's projection holds the position a write answered with. */
  reach(response: LightMyRequestResponse): Promise<void>;
  close(): Promise<void>;
}

/**
 * The GitHub lease scene: a GitHub stand-in over TLS with a CA of its own; the API (its invoker
 * rights asked of that stand-in) and a worker trusting it; workspace acme with its members, its
 * services and channel eng; the given agent identity; and the App's credential stored for the
 * connection, all applied by the projection before the tests start.
 */
export async function startGithubLeaseScene(options: GithubLeaseSceneOptions): Promise<GithubLeaseScene> {
  const github = await startTrustedGithubStandIn({
    dirPrefix: `mandate-${options.name}-`,
    repositories: options.repositories,
  });
  @Global()
  @Module({
    providers: [{ provide: INVOKER_RIGHT_UPSTREAM, useValue: { dispatcher: github.trusting } }],
    exports: [INVOKER_RIGHT_UPSTREAM],
  })
  class TrustTheStandIn {}
  const api = await startIdentityApi(
    { TEMPORAL_TASK_QUEUE: `${options.name}-${randomUUID()}` },
    { imports: [TrustTheStandIn] },
  );
  const worker =
    options.worker === false
      ? undefined
      : await NestFactory.createApplicationContext(
          WorkerModule.forConfig({ ...api.config, LOG_LEVEL: 'warn' }, undefined, undefined, {
            upstream: { dispatcher: github.trusting },
          }),
          { logger: false },
        );
  await worker?.init();
  const reach = async (response: LightMyRequestResponse) => {
    await api.app
      .get(ProjectionService)
      .runner.waitForPosition(response.json<{ position: number }>().position, 5_000);
  };

  const close = async () => {
    await worker?.close();
    await api.app.close();
    await github.close();
  };
  try {
    await setUp(api, options, reach, github);
  } catch (error) {
    await close();
    throw error;
  }
  return { github, api, worker, reach, close };
}

async function setUp(
  api: IdentityApi,
  options: GithubLeaseSceneOptions,
  reach: GithubLeaseScene['reach'],
  github: TrustedGithub,
): Promise<void> {
  ok(
    await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } }),
    201,
  );
  for (const [who, role] of Object.entries(options.members ?? { alice: 'admin', rita: 'member' })) {
    ok(await api.call('PUT', `${ws}/members/${who}/roles/${role}`, { as: 'root' }));
  }
  for (const service of options.services ?? ['agent-runtime']) {
    ok(await api.call('PUT', `${ws}/services/${service}`, { as: 'root' }));
  }
  ok(
    await api.call('POST', `${ws}/channels`, {
      as: options.channelCreator ?? 'root',
      body: { channelId: 'eng', name: 'Eng', visibility: 'public' },
    }),
    201,
  );
  ok(
    await api.call('PUT', `${ws}/agent-identity`, {
      as: 'alice',
      headers: { 'if-match': '"0"' },
      body: options.identity,
    }),
  );
  const stored = await api.call(
    'PUT',
    `${ws}/connections/${options.credentialFor ?? 'github-main'}/credential`,
    {
      as: 'alice',
      body: github.app.credential(github.upstream.baseUrl),
    },
  );
  ok(stored);
  await reach(stored);
}
