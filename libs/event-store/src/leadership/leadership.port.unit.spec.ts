import { InProcessLeadership } from './leadership.port';

describe('InProcessLeadership (one host: always the leader)', () => {
  it('given a role, when campaigning, then the work runs at once and the process leads until it stops', async () => {
    const leadership = new InProcessLeadership();
    const stop = new AbortController();
    let leadingSeen = false;

    const done = leadership.whileLeader(
      'kafka-relay',
      async (leading) => {
        leadingSeen = leadership.leads('kafka-relay');
        await new Promise((resolve) => leading.addEventListener('abort', resolve, { once: true }));
      },
      stop.signal,
    );
    await new Promise((resolve) => setImmediate(resolve));
    stop.abort();
    await done;

    expect(leadingSeen).toBe(true);
    expect(leadership.leads('kafka-relay')).toBe(false);
  });

  it('given work that fails, then the failure is reported and the work runs again', async () => {
    jest.useFakeTimers();
    try {
      const failures: string[] = [];
      const leadership = new InProcessLeadership((role, error) => failures.push(`${role}: ${String(error)}`));
      const stop = new AbortController();
      let runs = 0;

      const done = leadership.whileLeader(
        'approver-notifications',
        async () => {
          runs++;
          if (runs === 2) stop.abort();
          throw new Error('broker gone');
        },
        stop.signal,
      );
      await jest.advanceTimersByTimeAsync(1_000);
      await done;

      expect(runs).toBe(2);
      expect(failures).toEqual(['approver-notifications: Error: broker gone']);
    } finally {
      jest.useRealTimers();
    }
  });
});
