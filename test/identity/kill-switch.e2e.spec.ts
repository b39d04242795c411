import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { LightMyRequestResponse } from 'fastify';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { type IdentityApi, problem, startIdentityApi } from './identity-test-kit';

const ws = '/v1/workspaces/acme';
const CHECK = ['permissions:check'];

interface Answer {
  allowed: boolean;
  reason: string;
  rule?: string;
  layer?: string;
  provenance?: { layer: string; rule: string };
  position: number;
}

/**
 * The kill switch through the real API, worker and local Temporal server: disabling the agent
 * identity in a channel or the workspace makes every answer a denial with provenance `disabled`,
 * cancels the scope's pending JIT requests, refuses new requests, extensions and gateway sessions,
 * and enabling it again restores exactly the previous answers.
 */
describe('kill switch (API, worker and the local Temporal server)', () => {
  let api: IdentityApi;
  let worker: INestApplicationContext;

  const ok = <T>(response: LightMyRequestResponse, status = 200): T => {
    expect({ status: response.statusCode, body: response.json() }).toMatchObject({ status });
    return response.json<T>();
  };
  const switchIn = (path: string, as: string, to: 'disable' | 'enable', reason = 'leak in #eng') =>
    api.call('POST', `${ws}${path}/agent-identity/${to}`, { as, body: { reason } });
  const requestIn = (channelId: string, resource = 'acme/infra') =>
    api.call('POST', `${ws}/access-requests`, {
      as: 'rita',
      body: {
        channelId,
        connector: 'github',
        actions: ['admin'],
        resources: [resource],
        durationSeconds: 3600,
        reason: 'migration',
      },
    });

  /** Every kind of question, asked of one channel (each waits for `minPosition`). */
  async function everyAnswer(
    channelId: string,
    minPosition: number,
    at?: string,
  ): Promise<Record<string, Answer>> {
    const asOf = at === undefined ? {} : { at };
    const ask = async (url: string, body: unknown) =>
      ok<Answer>(await api.call('POST', url, { as: 'svc-check', scopes: CHECK, body }));
    const query = { workspaceId: 'acme', channelId, connector: 'github', minPosition, ...asOf };
    return {
      baseline: await ask('/v1/check', { ...query, action: 'write', resource: 'acme/api' }),
      default: await ask('/v1/check', { ...query, action: 'read', resource: 'other/thing' }),
      invoke: await ask(`${ws}/channels/${channelId}/invoke-check`, {
        principal: 'rita',
        minPosition,
        ...asOf,
      }),
      memory: await ask(`${ws}/channels/${channelId}/memory-check`, {
        namespace: 'handbook',
        minPosition,
        ...asOf,
      }),
      ...(at === undefined && {
        egress: await ask(`${ws}/channels/${channelId}/egress-check`, {
          host: 'api.github.com',
          port: 443,
          minPosition,
        }),
      }),
    };
  }
  const withoutPositions = (answers: Record<string, Answer>) =>
    Object.fromEntries(
      Object.entries(answers).map(([name, { position: _position, ...answer }]) => [name, answer]),
    );
  const requestStatus = async (requestId: string) =>
    ok<{
      status: string;
      timeline: { type: string; actor: { kind: string; id: string }; data: { comment?: string } }[];
    }>(await api.call('GET', `${ws}/access-requests/${requestId}`, { as: 'alice' }));

  beforeAll(async () => {
    api = await startIdentityApi({ TEMPORAL_TASK_QUEUE: `kill-switch-${randomUUID()}` });
    worker = await NestFactory.createApplicationContext(
      WorkerModule.forConfig({ ...api.config, LOG_LEVEL: 'warn' }),
      { logger: false },
    );
    await worker.init();
    // given acme: rita a member, alice an approver, carol who creates (and so administers) #eng,
    // a check service, a baseline writing acme/*, and channels #eng and #ops
    ok(
      await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } }),
      201,
    );
    for (const [principal, role] of [
      ['rita', 'member'],
      ['alice', 'approver'],
      ['carol', 'member'],
    ]) {
      ok(await api.call('PUT', `${ws}/members/${principal}/roles/${role}`, { as: 'root' }));
    }
    for (const service of ['svc-check', 'svc-session']) {
      ok(await api.call('PUT', `${ws}/services/${service}`, { as: 'root' }));
    }
    const current = await api.call('GET', `${ws}/agent-identity`, { as: 'root' });
    ok(
      await api.call('PUT', `${ws}/agent-identity`, {
        as: 'root',
        headers: { 'if-match': String(current.headers.etag) },
        body: {
          ...current.json<object>(),
          connections: [
            { id: 'gh', connector: 'github', account: 'app:bot', actions: ['write'], resources: ['acme/*'] },
          ],
          invokePolicy: { roles: ['member'] },
          memoryNamespaces: ['handbook'],
          egress: [{ host: 'api.github.com', ports: [443] }],
        },
      }),
    );
    ok(
      await api.call('POST', `${ws}/channels`, {
        as: 'carol',
        body: { channelId: 'eng', name: 'Eng', visibility: 'public' },
      }),
      201,
    );
    ok(
      await api.call('POST', `${ws}/channels`, {
        as: 'root',
        body: { channelId: 'ops', name: 'Ops', visibility: 'public' },
      }),
      201,
    );
    for (const channelId of ['eng', 'ops']) {
      const body = { sharedNamespaces: ['handbook'] };
      ok(await api.call('PUT', `${ws}/channels/${channelId}/memory-scope`, { as: 'root', body }));
    }
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await api?.app.close();
  }, 60_000);

  it('a channel: disable → every check denies with provenance → pending request cancelled → enable → the same answers as before', async () => {
    // given a pending request and an active grant in #eng, and the answers there before
    const pending = ok<{ requestId: string; status: string }>(await requestIn('eng'), 201);
    expect(pending.status).toBe('pending');
    const active = ok<{ requestId: string }>(await requestIn('eng', 'acme/db'), 201);
    const approved = await api.call('POST', `${ws}/access-requests/${active.requestId}/approve`, {
      as: 'alice',
      body: {},
    });
    const head = ok<{ position: number }>(approved).position;
    const before = await everyAnswer('eng', head);
    expect(before.baseline.allowed).toBe(true);
    const opsBefore = await everyAnswer('ops', head);

    // when carol, #eng's admin (a plain member of the workspace), disables the agent there
    const off = ok<{ position: number; events: string[] }>(
      await switchIn('/channels/eng', 'carol', 'disable'),
    );
    expect(off.events).toEqual(['ChannelAgentIdentityDisabled']);

    // then every check in #eng denies, naming the layer and the channel's switch
    const during = await everyAnswer('eng', off.position);
    for (const [name, answer] of Object.entries(during)) {
      expect({ name, allowed: answer.allowed, layer: answer.provenance?.layer ?? answer.layer }).toEqual({
        name,
        allowed: false,
        layer: 'disabled',
      });
      expect(answer.provenance?.rule ?? answer.rule).toBe('channel/eng/disabled');
      expect(answer.reason).toBe('The agent identity is disabled in this channel: leak in #eng');
    }
    // and the JIT grant does not lift it
    const granted = ok<Answer>(
      await api.call('POST', '/v1/check', {
        as: 'svc-check',
        scopes: CHECK,
        body: {
          workspaceId: 'acme',
          channelId: 'eng',
          connector: 'github',
          action: 'admin',
          resource: 'acme/db',
        },
      }),
    );
    expect(granted).toMatchObject({ allowed: false, provenance: { layer: 'disabled' } });
    // and the effective identity shows it; #ops answers as before
    const identity = ok<{ disabled: unknown }>(
      await api.call('GET', `${ws}/channels/eng/effective-identity?minPosition=${off.position}`, {
        as: 'root',
      }),
    );
    expect(identity.disabled).toEqual({
      scope: 'channel',
      rule: 'channel/eng/disabled',
      reason: 'The agent identity is disabled in this channel: leak in #eng',
    });
    expect(withoutPositions(await everyAnswer('ops', off.position))).toEqual(withoutPositions(opsBefore));

    // and the pending request is cancelled by the system, with the switch's reason
    let cancelled = await requestStatus(pending.requestId);
    for (let tries = 0; cancelled.status === 'pending' && tries < 50; tries++) {
      await sleep(100);
      cancelled = await requestStatus(pending.requestId);
    }
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.timeline.at(-1)).toMatchObject({
      type: 'AccessRequestCancelled',
      actor: { kind: 'system', id: 'kill-switch' },
      data: { comment: 'The agent identity was disabled in this channel: leak in #eng' },
    });

    // and nothing new may widen it: a request, an extension
    expect(problem(await requestIn('eng'), 409).code).toBe('identity-disabled');
    const extend = await api.call('POST', `${ws}/access-requests/${active.requestId}/extend`, {
      as: 'rita',
      body: { durationSeconds: 600, reason: 'longer' },
    });
    expect(problem(extend, 409).code).toBe('identity-disabled');
    // a request in #ops is taken
    ok(await requestIn('ops'), 201);

    // and disabling again is a conflict; carol may not enable it again
    expect(problem(await switchIn('/channels/eng', 'carol', 'disable'), 409).code).toBe(
      'identity-already-disabled',
    );
    expect(problem(await switchIn('/channels/eng', 'carol', 'enable'), 403).code).toBe('forbidden-widening');

    // when the owner enables it again
    const whileOff = new Date().toISOString();
    await sleep(20);
    const on = ok<{ position: number; events: string[] }>(
      await switchIn('/channels/eng', 'root', 'enable', 'contained'),
    );
    expect(on.events).toEqual(['ChannelAgentIdentityEnabled']);

    // then #eng answers exactly as before, and an answer as of the disabled instant still denies
    expect(withoutPositions(await everyAnswer('eng', on.position))).toEqual(withoutPositions(before));
    const replayed = await everyAnswer('eng', on.position, whileOff);
    for (const answer of Object.values(replayed)) {
      expect(answer.provenance?.rule ?? answer.rule).toBe('channel/eng/disabled');
    }
    expect(
      ok<{ disabled: unknown }>(
        await api.call('GET', `${ws}/channels/eng/effective-identity`, { as: 'root' }),
      ).disabled,
    ).toBeNull();
  }, 60_000);

  it('the workspace: one audit entry each way, every channel denies, gateway sessions refused, then allowed again', async () => {
    // when the owner disables the whole workspace
    const off = ok<{ position: number }>(await switchIn('', 'root', 'disable', 'incident 42'));

    // then #ops (and #eng) deny with the workspace's switch, and an admin sees it on the workspace
    for (const channelId of ['ops', 'eng']) {
      const answers = await everyAnswer(channelId, off.position);
      for (const answer of Object.values(answers)) {
        expect(answer).toMatchObject({
          allowed: false,
          reason: 'The agent identity is disabled in this workspace: incident 42',
        });
        expect(answer.provenance?.rule ?? answer.rule).toBe('workspace/disabled');
      }
    }
    expect(
      ok<{ identityDisabled?: unknown }>(await api.call('GET', ws, { as: 'root' })).identityDisabled,
    ).toEqual({
      reason: 'incident 42',
    });
    // and a runtime cannot open a gateway session
    const session = await api.call('POST', `${ws}/channels/ops/gateway-sessions`, {
      as: 'svc-session',
      scopes: ['gateway:session'],
      body: { invokedBy: 'rita', runId: 'run-1', ttlSeconds: 300 },
    });
    expect(problem(session, 409).code).toBe('identity-disabled');
    // and a member may not switch it
    expect((await switchIn('', 'rita', 'enable')).statusCode).toBe(403);

    // when the owner enables it again
    const on = ok<{ position: number }>(await switchIn('', 'root', 'enable', 'resolved'));

    // then checks allow again, and the audit log holds one entry per switch, with who and why
    expect((await everyAnswer('ops', on.position)).baseline.allowed).toBe(true);
    ok(
      await api.call('POST', `${ws}/channels/ops/gateway-sessions`, {
        as: 'svc-session',
        scopes: ['gateway:session'],
        body: { invokedBy: 'rita', runId: 'run-2', ttlSeconds: 300 },
      }),
      201,
    );
    const audit = ok<{ events: { type: string; actor: { id: string }; data: { reason: string } }[] }>(
      await api.call('GET', `${ws}/audit/events?minPosition=${on.position}`, { as: 'root' }),
    );
    const switches = audit.events.filter((event) => /^AgentIdentity(Dis|En)abled$/.test(event.type));
    expect(switches.map(({ type, actor, data }) => ({ type, by: actor.id, reason: data.reason }))).toEqual([
      { type: 'AgentIdentityEnabled', by: 'root', reason: 'resolved' },
      { type: 'AgentIdentityDisabled', by: 'root', reason: 'incident 42' },
    ]);
  }, 60_000);
});
