import { deliverToWebhook } from './webhook-delivery';

/** A fetch that answers the given statuses in turn (a thrown Error for 0) and records the calls. */
function scriptedFetch(statuses: number[]) {
  const calls: Array<{ url: string; body: string }> = [];
  const fake = (async (url: string, init: RequestInit) => {
    calls.push({ url, body: String(init.body) });
    const status = statuses[Math.min(calls.length - 1, statuses.length - 1)];
    if (status === 0) throw new Error('connect ECONNREFUSED');
    return new Response(null, { status });
  }) as unknown as typeof fetch;
  return { fake, calls };
}

const options = (fake: typeof fetch, maxAttempts = 5) => ({
  url: 'http://127.0.0.1:9/hook',
  maxAttempts,
  backoff: { initialMs: 1, maxMs: 2 },
  fetch: fake,
});

describe('webhook delivery', () => {
  it('given a receiver failing then recovering, then it is retried until it answers 2xx', async () => {
    const { fake, calls } = scriptedFetch([0, 503, 429, 200]);

    await expect(deliverToWebhook({ text: 'hi' }, options(fake))).resolves.toEqual({
      delivered: true,
      attempts: 4,
    });
    expect(calls.map((call) => call.body)).toEqual(Array(4).fill('{"text":"hi"}'));
  });

  it('given a receiver that keeps failing, then it gives up after the configured attempts', async () => {
    const { fake, calls } = scriptedFetch([500]);

    await expect(deliverToWebhook({ text: 'hi' }, options(fake, 3))).resolves.toEqual({
      delivered: false,
      attempts: 3,
      error: 'HTTP 500',
      permanent: false,
    });
    expect(calls).toHaveLength(3);
  });

  it('given a refusal (400), then it is not retried', async () => {
    const { fake, calls } = scriptedFetch([400, 200]);

    await expect(deliverToWebhook({ text: 'hi' }, options(fake))).resolves.toMatchObject({
      delivered: false,
      permanent: true,
      error: 'HTTP 400',
    });
    expect(calls).toHaveLength(1);
  });
});
