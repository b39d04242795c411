import { PermissionsClient } from './permissions-client';

/** A fake API: watch streams the test writes into, checks answered and counted. */
function fakeApi() {
  const streams: Array<{
    url: URL;
    lastEventId: string | null;
    push(text: string): void;
    drop(): void;
  }> = [];
  const checks: unknown[] = [];
  let allowed = true;
  const fetch = (async (url: URL | string, init?: RequestInit) => {
    const path = new URL(String(url)).pathname;
    if (path === '/v1/check') {
      checks.push(JSON.parse(String(init?.body)));
      const answer = { allowed, reason: 'r', provenance: { layer: 'baseline', rule: 'gh' }, position: 5 };
      return new Response(JSON.stringify(answer), { status: 200 });
    }
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    streams.push({
      url: new URL(String(url)),
      lastEventId: new Headers(init?.headers).get('last-event-id'),
      push: (text) => controller.enqueue(new TextEncoder().encode(text)),
      drop: () => controller.error(new TypeError('connection reset')),
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  }) as typeof globalThis.fetch;
  return { fetch, streams, checks, deny: () => (allowed = false) };
}

const query = { channelId: 'eng', connector: 'github', action: 'write', resource: 'acme/api' };
const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('PermissionsClient (against a fake API)', () => {
  it('answers from the cache while the stream is live, from the network while it is lost, and resumes from the last id', async () => {
    // given a client whose stream is live at 5
    const api = fakeApi();
    const client = new PermissionsClient({
      baseUrl: 'http://mandate.test',
      workspaceId: 'acme',
      token: 't',
      fetch: api.fetch,
      reconnectDelayMs: 5,
    });
    const started = client.start();
    await tick();
    api.streams[0].push('event: ready\nid: 5\ndata: {"position":5}\n\n');
    await started;

    // when it checks twice, then the stream drops and it checks again
    await client.check(query);
    await client.check(query);
    const whileLive = api.checks.length;
    api.streams[0].drop();
    await tick();
    await client.check(query);

    // then the second check came from the cache, the one while lost from the network
    expect(whileLive).toBe(1);
    expect(api.checks).toHaveLength(2);

    // and it reconnected after the last id it saw; once live again the cache answers
    await tick();
    expect(api.streams[1].lastEventId).toBe('5');
    api.streams[1].push('event: ready\nid: 5\ndata: {"position":5}\n\n');
    await tick();
    await client.check(query);
    expect(api.checks).toHaveLength(2);
    client.close();
  });

  it('forgets at expiresAt the answers in the channel of a grant, by its own clock', async () => {
    // given a live client that was told of a grant expiring in 50 ms, and a cached answer
    const api = fakeApi();
    const client = new PermissionsClient({
      baseUrl: 'http://mandate.test',
      workspaceId: 'acme',
      token: 't',
      fetch: api.fetch,
    });
    const started = client.start();
    await tick();
    api.streams[0].push('event: ready\nid: 4\ndata: {"position":4}\n\n');
    await started;
    const expiresAt = new Date(Date.now() + 50).toISOString();
    const grant = {
      grantId: 'g',
      channelId: 'eng',
      connector: 'github',
      actions: ['write'],
      resources: ['acme/*'],
    };
    const change = {
      kind: 'grant-started',
      position: 5,
      workspaceId: 'acme',
      cause: 'AccessGranted',
      ...grant,
      expiresAt,
    };
    api.streams[0].push(`event: change\nid: 5\ndata: ${JSON.stringify(change)}\n\n`);
    await tick();
    await client.check(query);
    const cachedBefore = client.cached(query);

    // when the grant's expiry passes (no event from the server)
    await new Promise((resolve) => setTimeout(resolve, 80));

    // then the answer is no longer served from the cache
    expect(cachedBefore).toBeDefined();
    expect(client.cached(query)).toBeUndefined();
    client.close();
  });

  it('asks the stream for heartbeats at the interval it was given, and otherwise leaves the server’s default', async () => {
    // given a client told to hear a heartbeat every 2 s, and one told nothing
    const api = fakeApi();
    const options = { baseUrl: 'http://mandate.test', workspaceId: 'acme', token: 't', fetch: api.fetch };
    const often = new PermissionsClient({ ...options, heartbeatSeconds: 2 });
    const plain = new PermissionsClient(options);

    // when both start
    void often.start().catch(() => undefined);
    await tick();
    void plain.start().catch(() => undefined);
    await tick();

    // then the first stream asks for it, the second names no interval
    expect(api.streams[0].url.searchParams.get('heartbeatSeconds')).toBe('2');
    expect(api.streams[1].url.searchParams.has('heartbeatSeconds')).toBe(false);

    // and a heartbeat tells the position up to which every change was heard
    api.streams[0].push('event: ready\nid: 5\ndata: {"position":5}\n\n');
    api.streams[0].push('event: heartbeat\nid: 9\ndata: {"position":9}\n\n');
    await tick();
    expect(often.position).toBe(9);
    often.close();
    plain.close();
  });
});

describe('PermissionsClient.close', () => {
  it('given a stream lost and a long reconnection delay, when closed, then nothing is left waiting to reconnect', async () => {
    // given a client whose stream dropped, waiting a minute before connecting again
    const api = fakeApi();
    const client = new PermissionsClient({
      baseUrl: 'http://mandate.test',
      workspaceId: 'acme',
      token: 't',
      fetch: api.fetch,
      reconnectDelayMs: 60_000,
    });
    void client.start().catch(() => undefined);
    await tick();
    api.streams[0].drop();
    await tick();
    const timersWhileWaiting = process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

    // when it is closed
    client.close();
    await tick();

    // then its reconnection timer is gone (the process could exit) and it never connects again
    const timersAfter = process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    expect(timersAfter).toBe(timersWhileWaiting - 1);
    expect(api.streams).toHaveLength(1);
  });
});
