import { DenialAggregator, type DenialRecord } from './denial-aggregator';

const MINUTE = 60_000;

/** Drives an aggregator the way an enforcement point does: deny, and look for due records every 5 s. */
function drive(denials: { key: string; atMs: number; caller?: string }[], untilMs: number) {
  const aggregator = new DenialAggregator<{ reason: string }>();
  const written: (DenialRecord<{ reason: string }> & { writtenAtMs: number })[] = [];
  let tick = 0;
  for (const denial of denials) {
    for (; tick <= denial.atMs; tick += 5_000)
      written.push(...aggregator.due(tick).map((r) => ({ ...r, writtenAtMs: tick })));
    const now = aggregator.deny(
      { ...denial, detail: { reason: 'not allowlisted' } },
      denial.caller ?? 'service:gw',
    );
    if (now) written.push({ ...now, writtenAtMs: denial.atMs });
  }
  for (; tick <= untilMs; tick += 5_000)
    written.push(...aggregator.due(tick).map((r) => ({ ...r, writtenAtMs: tick })));
  return { aggregator, written };
}

const total = (records: { count: number }[]) => records.reduce((sum, record) => sum + record.count, 0);

describe('DenialAggregator', () => {
  it('given 1,000 denials of one key in a burst, when driven past the window, then two records carry them all', () => {
    const burst = Array.from({ length: 1_000 }, (_, index) => ({
      key: 'k',
      atMs: 1_000 + index,
      caller: `c${index % 20}`,
    }));

    const { written } = drive(burst, 3 * MINUTE);

    expect(written.map((record) => record.count)).toEqual([1, 999]);
    expect(written[0].writtenAtMs).toBe(1_000);
    expect(written[1]).toMatchObject({ firstAtMs: 1_001, lastAtMs: 1_999 });
    expect(written[1].callers).toHaveLength(10);
  });

  it('given a steady stream of denials, when driven for ten minutes, then each key writes at most one record per window', () => {
    const stream = Array.from({ length: 600 }, (_, index) => [
      { key: 'a', atMs: index * 1_000 },
      { key: 'b', atMs: index * 1_000 + 500 },
    ]).flat();

    const { written } = drive(stream, 12 * MINUTE);

    for (const key of ['a', 'b']) {
      const times = written.filter((record) => record.key === key).map((record) => record.writtenAtMs);
      for (let index = 1; index < times.length; index++)
        expect(times[index] - times[index - 1]).toBeGreaterThanOrEqual(MINUTE);
      expect(total(written.filter((record) => record.key === key))).toBe(600);
    }
  });

  it('given denials still counted, when drained, then they are handed out and nothing is lost', () => {
    const aggregator = new DenialAggregator<null>();
    for (let index = 0; index < 5; index++) aggregator.deny({ key: 'k', atMs: index, detail: null }, 'u:a');

    expect(aggregator.drain().map((record) => record.count)).toEqual([4]);
    expect(aggregator.drain()).toEqual([]);
  });

  it('given a key quiet for a window after its last record, when looked at, then it is forgotten', () => {
    const aggregator = new DenialAggregator<null>();
    aggregator.deny({ key: 'k', atMs: 0, detail: null }, 'u:a');

    expect(aggregator.due(MINUTE)).toEqual([]);
    expect(aggregator.size).toBe(0);
    expect(aggregator.deny({ key: 'k', atMs: MINUTE + 1, detail: null }, 'u:a')).toMatchObject({ count: 1 });
  });

  it('given a denial exactly one window after the last record, then it opens a new window and is written at once', () => {
    // given a key written at 0
    const aggregator = new DenialAggregator<null>({ windowMs: MINUTE });
    aggregator.deny({ key: 'k', atMs: 0, detail: null }, 'u:a');

    // when it is denied again a millisecond early, then exactly a window after
    const early = aggregator.deny({ key: 'k', atMs: MINUTE - 1, detail: null }, 'u:a');
    const onTime = aggregator.deny({ key: 'k', atMs: MINUTE, detail: null }, 'u:b');

    // then the early one is counted, and the second goes out with it
    expect(early).toBeUndefined();
    expect(onTime).toEqual({
      key: 'k',
      count: 2,
      firstAtMs: MINUTE - 1,
      lastAtMs: MINUTE,
      detail: null,
      callers: ['u:a', 'u:b'],
    });
  });

  it('given one caller denied again and again, then it is named once, up to the caller limit', () => {
    // given an aggregator naming at most two callers
    const aggregator = new DenialAggregator<null>({ maxCallers: 2 });
    aggregator.deny({ key: 'k', atMs: 0, detail: null }, 'u:first');

    // when the same callers and then a third are denied within the window
    for (const caller of ['u:a', 'u:a', 'u:first', 'u:b', 'u:a'])
      aggregator.deny({ key: 'k', atMs: 10, detail: null }, caller);

    // then the first record names its one caller, and the counted one names two, each once
    const [counted] = aggregator.drain();
    expect(counted).toMatchObject({ count: 5, callers: ['u:a', 'u:first'] });
  });

  it('given keys with and without denials counted, when drained, then only the counted ones come out', () => {
    const aggregator = new DenialAggregator<null>();
    aggregator.deny({ key: 'quiet', atMs: 0, detail: null }, 'u:a');
    aggregator.deny({ key: 'busy', atMs: 0, detail: null }, 'u:a');
    aggregator.deny({ key: 'busy', atMs: 1, detail: null }, 'u:a');

    expect(aggregator.drain()).toEqual([
      { key: 'busy', count: 1, firstAtMs: 1, lastAtMs: 1, detail: null, callers: ['u:a'] },
    ]);
  });
});
