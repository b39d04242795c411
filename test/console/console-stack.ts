import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { LightMyRequestResponse } from 'fastify';
import type { Browser } from 'playwright-core';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { type IdentityApi, startIdentityApi } from '../identity/identity-test-kit';
import { buildConsole, launchChromium } from './console-browser';

export const WORKSPACE = '/v1/workspaces/acme';

export interface ConsoleStackOptions {
  /** The API's environment beyond the defaults (a task queue of its own, `LOG_LEVEL=warn`, `root` as platform admin). */
  env?: Record<string, string>;
  /** A worker on the API's task queue, for specs whose requests must reach a decision. */
  worker?: boolean;
  /** Roles in workspace acme, created by `root`. */
  members?: [principal: string, role: string][];
  /**
   * The API's settings once acme is set up (identity-provider sign-in): acme is created through an
   * API in dev mode, which then stops; the API the browser meets starts on the same log with these.
   */
  thenEnv?: Record<string, string>;
  /** The API's port (known in advance when the identity provider must list the console's address). */
  port?: number;
}

export interface ConsoleStack {
  api: IdentityApi;
  worker?: INestApplicationContext;
  browser: Browser;
  /** `http://127.0.0.1:<port>`; the console is at `${baseUrl}/console/`. */
  baseUrl: string;
  /** A directory of the spec's own (the console's build is in `dist/` there). */
  scratch: string;
  close(): Promise<void>;
}

/** Asserts the API's answer has `status` and returns its body. */
export function ok<T>(response: LightMyRequestResponse, status = 200): T {
  expect({ status: response.statusCode, body: response.json() }).toMatchObject({ status });
  return response.json<T>();
}

/** A port nobody listens on now, for a server that must know its address before it starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * What every console spec stands on: the console built from the current sources into a directory
 * of the spec's own (a build replaces its output directory, which must not happen under another
 * spec's API), Debian's Chromium, the real API (and worker) on the run's Temporal server with a
 * task queue of its own, and workspace acme with the roles asked for; the API listens on 127.0.0.1.
 */
export async function startConsoleStack(options: ConsoleStackOptions = {}): Promise<ConsoleStack> {
  const scratch = mkdtempSync(join(tmpdir(), 'mandate-console-'));
  const consoleDir = buildConsole(join(scratch, 'dist'));
  const browser = await launchChromium();
  const env = {
    TEMPORAL_TASK_QUEUE: `console-${randomUUID()}`,
    LOG_LEVEL: 'warn',
    DATA_DIR: join(scratch, 'data'),
    ...options.env,
  };
  let api = await startIdentityApi(env, { consoleDir });
  let worker: INestApplicationContext | undefined;
  const close = async () => {
    await browser.close();
    await worker?.close();
    await api.app.close();
  };
  try {
    ok(
      await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } }),
      201,
    );
    for (const [principal, role] of options.members ?? []) {
      ok(await api.call('PUT', `${WORKSPACE}/members/${principal}/roles/${role}`, { as: 'root' }));
    }
    if (options.thenEnv) {
      await api.app.close();
      api = await startIdentityApi({ ...env, ...options.thenEnv }, { consoleDir });
    }
    if (options.worker) {
      worker = await NestFactory.createApplicationContext(
        WorkerModule.forConfig({ ...api.config, LOG_LEVEL: 'warn' }),
        { logger: false },
      );
      await worker.init();
    }
    await api.app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  } catch (error) {
    await close();
    throw error;
  }
  const { port } = api.app.getHttpServer().address() as AddressInfo;
  return { api, worker, browser, baseUrl: `http://127.0.0.1:${port}`, scratch, close };
}
