import { inTurns, limitMetrics, type Throughput } from './limit-baseline';

const rate = (perSecond: number, cpuUsPerOperation = 1): Throughput => ({
  operations: 1,
  perSecond,
  cpuUsPerOperation,
});

describe('limit baselines', () => {
  it('runs Mandate first in even rounds and its limit first in odd rounds', async () => {
    // given two subjects that record when they run
    const order: string[] = [];
    const subject = (name: string) => async () => {
      order.push(name);
      return rate(1);
    };

    // when two rounds are measured in turns
    await inTurns(0, subject('mandate'), subject('limit'));
    await inTurns(1, subject('mandate'), subject('limit'));

    // then the first side alternates, and each result lands on its own side
    expect(order).toEqual(['mandate', 'limit', 'limit', 'mandate']);
    const pair = await inTurns(
      1,
      async () => rate(10),
      async () => rate(20),
    );
    expect(pair.mandate.perSecond).toBe(10);
    expect(pair.limit.perSecond).toBe(20);
  });

  it('reports the median of each round’s own ratio beside both rates and CPU per operation', () => {
    // given three rounds whose ratios are 0.1, 0.9 and 0.83 (the medians' ratio would be 50 / 100)
    const pairs = [
      { mandate: rate(10, 4), limit: rate(100, 2) },
      { mandate: rate(90, 3), limit: rate(100, 1) },
      { mandate: rate(50, 5), limit: rate(60, 2) },
    ];

    // when they become metrics
    const metrics = limitMetrics(pairs, {
      prefix: 'read_all',
      unit: 'events/s',
      operation: 'event',
      ratioTarget: 0.7,
    });

    // then the names follow the prefix and the ratio carries the target; CPU ratios 0.5, 0.33, 0.4
    expect(metrics).toEqual({
      read_all_events_per_s: { value: 50, unit: 'events/s', target: null, better: 'higher' },
      read_all_limit_events_per_s: { value: 100, unit: 'events/s', target: null, better: 'higher' },
      read_all_limit_ratio: { value: 0.833, unit: 'x', target: 0.7, better: 'higher' },
      read_all_cpu_us_per_event: { value: 4, unit: 'µs', target: null, better: 'lower' },
      read_all_limit_cpu_us_per_event: { value: 2, unit: 'µs', target: null, better: 'lower' },
      read_all_limit_cpu_ratio: { value: 0.4, unit: 'x', target: null, better: 'higher' },
    });
  });

  it('sets the ratio on CPU per operation where asked, the rate ratio beside it', () => {
    // given three rounds whose rate ratios are 0.1, 0.9 and 0.83 and CPU ratios 0.5, 0.33 and 0.4
    const pairs = [
      { mandate: rate(10, 4), limit: rate(100, 2) },
      { mandate: rate(90, 3), limit: rate(100, 1) },
      { mandate: rate(50, 5), limit: rate(60, 2) },
    ];

    // when they become metrics with the ratio of CPU per operation
    const metrics = limitMetrics(pairs, {
      prefix: 'vault_decrypt',
      unit: 'reads/s',
      operation: 'read',
      ratioTarget: 0.3,
      ratioOf: 'cpu',
    });

    // then the limit ratio is the median CPU ratio, with the target; the rate ratio has none
    expect(metrics.vault_decrypt_limit_ratio).toEqual({
      value: 0.4,
      unit: 'x',
      target: 0.3,
      better: 'higher',
    });
    expect(metrics.vault_decrypt_limit_cpu_ratio.value).toBe(0.4);
    expect(metrics.vault_decrypt_limit_rate_ratio).toEqual({
      value: 0.833,
      unit: 'x',
      target: null,
      better: 'higher',
    });
    expect(metrics.vault_decrypt_reads_per_s.value).toBe(50);
  });

  it('keeps names given for metrics that existed before their baseline', () => {
    // given a figure whose absolute and CPU metrics keep their old names
    const metrics = limitMetrics([{ mandate: rate(3), limit: rate(4) }], {
      prefix: 'http_check',
      unit: 'req/s',
      operation: 'req',
      ratioTarget: 0.6,
      names: { value: 'http_single_rps', cpu: 'http_single_cpu_us_per_req' },
    });

    // then those names are used and the others follow the prefix
    expect(Object.keys(metrics).sort()).toEqual([
      'http_check_limit_cpu_ratio',
      'http_check_limit_cpu_us_per_req',
      'http_check_limit_ratio',
      'http_check_limit_req_per_s',
      'http_single_cpu_us_per_req',
      'http_single_rps',
    ]);
  });
});
