import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { LightMyRequestResponse } from 'fastify';
import { createParser } from 'eventsource-parser';
import { mintDevToken } from '@mandate/auth';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { type IdentityApi, startIdentityApi } from '../identity/identity-test-kit';

interface StreamEvent {
  event: string;
  data: { requestIds?: string[]; reason?: string; position?: number };
}

/** An open update stream, read as a browser would (fetch, not EventSource: the token is a header). */
interface OpenStream {
  status: number;
  contentType: string | null;
  events: StreamEvent[];
  until(predicate: (event: StreamEvent) => boolean, timeoutMs?: number): Promise<StreamEvent>;
  close(): void;
}

describe('live updates of access requests (Server-Sent Events; API, worker and the local Temporal server)', () => {
  let api: IdentityApi;
  let worker: INestApplicationContext;
  let baseUrl: string;
  const streams: OpenStream[] = [];

  const ok = (response: LightMyRequestResponse, status = 200) => {
    expect({ status: response.statusCode, body: response.json() }).toMatchObject({ status });
  };

  async function open(token: string, workspaceId = 'acme', query = ''): Promise<OpenStream> {
    const controller = new AbortController();
    const response = await fetch(`${baseUrl}/v1/workspaces/${workspaceId}/access-request-updates${query}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      signal: controller.signal,
    });
    const events: StreamEvent[] = [];
    const waiters: Array<() => void> = [];
    const parser = createParser({
      onEvent: ({ event, data }) => {
        events.push({ event: event ?? 'message', data: JSON.parse(data) as StreamEvent['data'] });
        for (const wake of waiters.splice(0)) wake();
      },
    });
    if (response.ok && response.body) {
      void (async () => {
        const decoder = new TextDecoder();
        try {
          for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
            parser.feed(decoder.decode(chunk, { stream: true }));
          }
        } catch {
          // closed by the test
        }
      })();
    }
    const stream: OpenStream = {
      status: response.status,
      contentType: response.headers.get('content-type'),
      events,
      async until(predicate, timeoutMs = 10_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const found = events.find(predicate);
          if (found) return found;
          if (Date.now() > deadline) throw new Error(`no such event; got ${JSON.stringify(events)}`);
          await new Promise<void>((resolve) => {
            waiters.push(resolve);
            setTimeout(resolve, 200);
          });
        }
      },
      close: () => controller.abort(),
    };
    if (!response.ok) stream.events.push({ event: 'refused', data: (await response.json()) as never });
    streams.push(stream);
    return stream;
  }

  const request = (as: string, requestId: string, channelId: string) =>
    api.call('POST', '/v1/workspaces/acme/access-requests', {
      as,
      body: {
        requestId,
        channelId,
        connector: 'github',
        actions: ['write'],
        resources: ['acme/api'],
        durationSeconds: 600,
        reason: 'live updates',
      },
    });
  const changed = (requestId: string) => (event: StreamEvent) =>
    event.event === 'changed' && (event.data.requestIds ?? []).includes(requestId);

  beforeAll(async () => {
    api = await startIdentityApi({ TEMPORAL_TASK_QUEUE: `updates-${randomUUID()}`, LOG_LEVEL: 'warn' });
    worker = await NestFactory.createApplicationContext(
      WorkerModule.forConfig({ ...api.config, LOG_LEVEL: 'warn' }),
      { logger: false },
    );
    await worker.init();
    // given acme (bob approves, dave and frank are members; #incident is private to bob) and globex
    for (const [workspaceId, owner] of [
      ['acme', 'root'],
      ['globex', 'otto'],
    ]) {
      ok(
        await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId, name: workspaceId } }),
        201,
      );
      ok(await api.call('PUT', `/v1/workspaces/${workspaceId}/members/${owner}/roles/owner`, { as: 'root' }));
    }
    for (const [principal, role] of [
      ['bob', 'approver'],
      ['dave', 'member'],
      ['frank', 'member'],
    ]) {
      ok(await api.call('PUT', `/v1/workspaces/acme/members/${principal}/roles/${role}`, { as: 'root' }));
    }
    for (const [channelId, visibility] of [
      ['eng', 'public'],
      ['incident', 'private'],
    ]) {
      ok(
        await api.call('POST', '/v1/workspaces/acme/channels', {
          as: 'root',
          body: { channelId, name: channelId, visibility },
        }),
        201,
      );
    }
    ok(
      await api.call('PUT', '/v1/workspaces/acme/channels/incident/members/bob', {
        as: 'root',
        body: { role: 'member' },
      }),
    );
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
  }, 120_000);

  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close();
  });

  afterAll(async () => {
    await worker?.close();
    await api?.app.close();
  }, 60_000);

  it('a member hears `ready`, then the ids of requests that change in channels they see', async () => {
    // given Frank listening
    const frank = await open(await api.token('frank'));
    expect({ status: frank.status, type: frank.contentType }).toEqual({
      status: 200,
      type: expect.stringMatching(/^text\/event-stream/),
    });
    await frank.until((event) => event.event === 'ready');

    // when Dave asks for access in #eng
    ok(await request('dave', 'public-1', 'eng'), 201);

    // then Frank is told that request changed
    expect((await frank.until(changed('public-1'))).data.position).toBeGreaterThan(0);
  });

  it('a member outside a private channel hears nothing of its requests', async () => {
    // given Frank (not in #incident) and Bob (in it) listening
    const frank = await open(await api.token('frank'));
    const bob = await open(await api.token('bob'));
    await Promise.all([frank, bob].map((stream) => stream.until((event) => event.event === 'ready')));

    // when Bob asks for access in #incident, then Dave in #eng
    ok(await request('bob', 'private-1', 'incident'), 201);
    ok(await request('dave', 'public-2', 'eng'), 201);

    // then Bob hears of both, Frank of the public one only
    await bob.until(changed('private-1'));
    await bob.until(changed('public-2'));
    await frank.until(changed('public-2'));
    expect(frank.events.filter(changed('private-1'))).toEqual([]);
    expect(JSON.stringify(frank.events)).not.toContain('private-1');
  });

  it("another tenant's owner gets 404; a caller without a token 401", async () => {
    const otto = await open(await api.token('otto'));
    const anonymous = await fetch(`${baseUrl}/v1/workspaces/acme/access-request-updates`);

    expect(otto.status).toBe(404);
    expect(anonymous.status).toBe(401);
  });

  it('the stream ends when the token expires, and at its timeout', async () => {
    // given a token that expires in two seconds, and a stream asked to last one second
    const shortToken = await mintDevToken({ sub: 'frank', kind: 'user', scopes: [], ttl: '2s' }, api.config);
    const expiring = await open(shortToken);
    const timed = await open(await api.token('frank'), 'acme', '?timeoutSeconds=1');

    // then each says why it ends
    expect((await expiring.until((event) => event.event === 'end', 5_000)).data).toEqual({
      reason: 'token-expired',
    });
    expect((await timed.until((event) => event.event === 'end', 5_000)).data).toEqual({ reason: 'timeout' });
  });

  it('a principal holds at most five open streams (429), and may open another once one closed', async () => {
    // given five streams of Dave's open
    const token = await api.token('dave');
    const five = await Promise.all(Array.from({ length: 5 }, () => open(token)));
    await Promise.all(five.map((stream) => stream.until((event) => event.event === 'ready')));

    // when he opens a sixth, then closes one and tries again
    const sixth = await open(token);
    five[0].close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const retried = await open(token);

    // then the sixth was refused with its code, the retry accepted
    expect({ status: sixth.status, code: (sixth.events[0]?.data as { code?: string }).code }).toEqual({
      status: 429,
      code: 'too-many-streams',
    });
    expect(retried.status).toBe(200);
  });
});
