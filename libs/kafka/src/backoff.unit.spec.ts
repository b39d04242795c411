import { backoffDelay, retryForever } from './backoff';

describe('backoff', () => {
  it('given growing attempts, then the delay ceiling doubles up to the maximum', () => {
    const ceiling = (attempt: number) => backoffDelay(attempt, { initialMs: 100, maxMs: 1_000 }, () => 1);
    expect([0, 1, 2, 3, 4, 50].map(ceiling)).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('given an operation failing many more times than any client retry budget, then it is retried until it succeeds', async () => {
    let calls = 0;
    const failures: number[] = [];

    const result = await retryForever(
      async () => {
        if (++calls <= 25) throw new Error('broker unreachable');
        return 'acked';
      },
      { initialMs: 1, maxMs: 2, onFailure: (_error, attempt) => failures.push(attempt) },
    );

    expect(result).toBe('acked');
    expect(calls).toBe(26);
    expect(failures).toHaveLength(25);
  });

  it('given an aborted signal while waiting, then it stops without another attempt', async () => {
    const controller = new AbortController();
    let calls = 0;

    const result = await retryForever(
      async () => {
        calls++;
        controller.abort();
        throw new Error('down');
      },
      { initialMs: 10_000, maxMs: 10_000, signal: controller.signal },
    );

    expect(result).toBeUndefined();
    expect(calls).toBe(1);
  });

  it('given an error it may not retry, then it is thrown at once; a retriable one is retried', async () => {
    const retriable = Object.assign(new Error('not the leader for that topic-partition'), {
      retriable: true,
    });
    const fatal = Object.assign(new Error('topic authorization failed'), { retriable: false });
    const errors = [retriable, retriable, fatal];
    let calls = 0;

    const attempt = retryForever(
      async () => {
        throw errors[calls++];
      },
      {
        initialMs: 1,
        maxMs: 2,
        isRetriable: (error) => (error as { retriable?: boolean }).retriable === true,
      },
    );

    await expect(attempt).rejects.toBe(fatal);
    expect(calls).toBe(3);
  });
});
