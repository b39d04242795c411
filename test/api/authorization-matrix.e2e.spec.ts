import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { LightMyRequestResponse } from 'fastify';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { startTestApi, type TestApi } from './api-test-kit';
import { CASES } from './authorization-matrix.cases';
import { Scene, setUpTenants } from './authorization-matrix.scene';
import {
  EVERYONE,
  EXPECTATIONS,
  expected,
  homeOf,
  type Outcome,
  PRINCIPALS,
  type Target,
  type Who,
} from './authorization-matrix.table';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const TARGETS: Record<'global' | 'workspace' | 'channel', Target[]> = {
  global: ['global'],
  workspace: ['home', 'other-tenant'],
  channel: ['home', 'other-tenant', 'private-channel'],
};

/** Callers who may not see the home tenant's private channel, nor anything of the other tenant. */
const NOT_IN_PRIVATE = new Set<Who>(['member', 'approver', 'svc-none', 'svc-as-owner']);

/** What a response must look like for an expected outcome; the reason when it does not. */
function judge(outcome: Outcome, key: string, response: LightMyRequestResponse): string | undefined {
  const status = response.statusCode;
  if (status >= 500) return `server error ${status}`;
  if (outcome === 'ok') {
    // Admitted: answered, or refused by the domain for the state it is in (never for who asks).
    return status < 300 || status === 409 || status === 422
      ? undefined
      : `refused ${status} ${codeOf(response)}`;
  }
  if (status < 300 && ANSWERED_AS_UNKNOWN.has(key) && onlyUnknown(response)) return undefined;
  if (status < 300) return `ADMITTED ${status}`;
  if (outcome === 'hidden')
    return looksUnknown(response) ? undefined : `${status} ${codeOf(response)} (reveals the target)`;
  return status === 403 || status === 404 ? undefined : `${status} ${codeOf(response)}`;
}

/**
 * The answer an id that does not exist gets: 404, or for a channel named in a body (a request for
 * access there), 422 unknown-channel.
 */
const looksUnknown = (response: LightMyRequestResponse): boolean =>
  response.statusCode === 404 || (response.statusCode === 422 && codeOf(response) === 'unknown-channel');

/** Routes that answer a workspace the caller may not ask about as an unknown one: a denial. */
const ANSWERED_AS_UNKNOWN = new Set([
  'POST /v1/check/batch',
  'POST /access/v1/evaluation',
  'POST /access/v1/evaluations',
]);

interface Answered {
  allowed?: boolean;
  decision?: boolean;
  provenance?: { rule: string };
  context?: { provenance?: { rule: string } };
}

/** A batch refuses per item: an item about a workspace the caller may not ask about is unknown. */
function onlyUnknown(response: LightMyRequestResponse): boolean {
  const body = response.json<Answered & { results?: Answered[]; evaluations?: Answered[] }>();
  const answers = body.results ?? body.evaluations ?? [body];
  return answers.every((answer) => {
    const rule = (answer.provenance ?? answer.context?.provenance)?.rule ?? '';
    return !(answer.allowed ?? answer.decision) && ['unknown-workspace', 'unknown-channel'].includes(rule);
  });
}

const codeOf = (response: LightMyRequestResponse): string => {
  try {
    return String(response.json<{ code?: string }>().code ?? '');
  } catch {
    return '';
  }
};

describe('authorization matrix: every operation of /openapi.json × principal × target', () => {
  let api: TestApi;
  let worker: INestApplicationContext;
  let scene: Scene;
  let operations: string[];

  beforeAll(async () => {
    api = await startTestApi({
      PLATFORM_ADMINS: 'root',
      TEMPORAL_TASK_QUEUE: `matrix-${randomUUID()}`,
      LOG_LEVEL: 'warn',
    });
    worker = await NestFactory.createApplicationContext(
      WorkerModule.forConfig({ ...api.config, LOG_LEVEL: 'warn' }),
      { logger: false },
    );
    await worker.init();
    const recorder = (who: Who) => PRINCIPALS[who];
    scene = new Scene(
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
        recorder: recorder('svc-actions'),
        services: ['svc-none', 'svc-check', 'svc-actions', 'svc-request', 'svc-lease', 'svc-session'],
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
        recorder: recorder('svc-other'),
        services: ['svc-other'],
      },
    );
    // given two tenants set up through the API, with a caller for every role in the first
    await setUpTenants(scene, {
      acme: {
        olga: ['owner'],
        adam: ['admin'],
        april: ['approver'],
        mike: ['member'],
        audrey: ['auditor'],
        rita: ['member'],
      },
      globex: { otto: ['owner'], bea: ['member'], bo: ['member'] },
    });
    const document = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => HTTP_METHODS.includes(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await api?.app.close();
  }, 60_000);

  /** Tenants whose ids an answer to `who` about `target` must not name. */
  const strangers = (who: Who, target: Target) => {
    if (target !== 'global') return [target === 'other-tenant' ? scene.home : scene.other];
    if (who === 'platform-admin') return [];
    const home = homeOf(who);
    return [scene.home, scene.other].filter(
      (tenant) => home !== (tenant === scene.home ? 'home' : 'other-tenant'),
    );
  };

  const variantsOf = (operation: string) =>
    Object.keys(EXPECTATIONS).filter((key) => key === operation || key.startsWith(`${operation}#`));

  it('declares every operation of the document, and only those', () => {
    const undeclared = operations.filter((operation) => variantsOf(operation).length === 0);
    const stale = Object.keys(EXPECTATIONS).filter((key) => !operations.includes(key.split('#')[0]));
    const withoutCase = Object.keys(EXPECTATIONS).filter((key) => CASES[key] === undefined);

    expect({ undeclared, stale, withoutCase }).toEqual({ undeclared: [], stale: [], withoutCase: [] });
  });

  it('admits exactly the callers the table admits, and hides what a caller may not see', async () => {
    const mismatches: string[] = [];
    const leaks: string[] = [];
    let requests = 0;
    for (const operation of operations) {
      for (const key of variantsOf(operation)) {
        const [method, path] = operation.split(' ');
        for (const target of TARGETS[CASES[key].scope]) {
          for (const who of EVERYONE) {
            const place = scene.place(target === 'global' ? 'home' : target);
            const call = await CASES[key].build(scene, place, key);
            const params: Record<string, string> = {
              workspaceId: place.tenant.workspaceId,
              channelId: place.channel,
              ...call.params,
            };
            const url =
              path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name])) +
              (call.query ? `?${new URLSearchParams(call.query).toString()}` : '');
            // when `who` calls the operation on the target
            const response = await scene.send(PRINCIPALS[who], method, url, call);
            await call.after?.();
            requests++;
            // then the answer is the one the table declares
            const outcome = expected(key, who, target);
            const wrong = judge(outcome, key, response);
            if (wrong) mismatches.push(`${key} | ${who} | ${target} | expected ${outcome} | got ${wrong}`);
            if (response.statusCode < 300 && call.consumes) scene.consumed(call.consumes);
            // and nothing it answers names what the caller may not know of
            if (response.statusCode < 300) {
              const secrets = strangers(who, target).flatMap((tenant) => [
                `"${tenant.workspaceId}"`,
                `"${tenant.publicChannel}"`,
              ]);
              if (NOT_IN_PRIVATE.has(who)) secrets.push(`"${scene.home.privateChannel}"`);
              const named = secrets.filter((secret) => response.body.includes(secret));
              if (named.length > 0)
                leaks.push(`${key} | ${who} | ${target} | answer names ${named.join(', ')}`);
            }
          }
        }
      }
    }

    expect(requests).toBeGreaterThan(operations.length * EVERYONE.length);
    expect({ mismatches, leaks }).toEqual({ mismatches: [], leaks: [] });
  }, 240_000);
});
