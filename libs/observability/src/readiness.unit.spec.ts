import { ReadinessRegistry, type ReadinessCheck, type ReadinessResult } from './readiness';

const check = (name: string, run: () => Promise<ReadinessResult>): ReadinessCheck => ({ name, check: run });
const up = (name: string) => check(name, async () => ({ state: 'up' }));

describe('ReadinessRegistry', () => {
  it('is ready when every dependency is up or degraded', async () => {
    const registry = new ReadinessRegistry(100);
    registry.register(up('event-store'));
    registry.register(check('kafka', async () => ({ state: 'degraded', detail: 'one broker of three' })));

    const report = await registry.report();

    expect(report.status).toBe('ready');
    expect(report.checks.kafka).toMatchObject({ state: 'degraded', detail: 'one broker of three' });
  });

  it('is not ready, naming the dependency, when one is down or throws', async () => {
    const registry = new ReadinessRegistry(100);
    registry.register(up('event-store'));
    registry.register(
      check('temporal', async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:7233');
      }),
    );

    const report = await registry.report();

    expect(report.status).toBe('not_ready');
    expect(report.checks['event-store'].state).toBe('up');
    expect(report.checks.temporal).toMatchObject({
      state: 'down',
      detail: 'connect ECONNREFUSED 127.0.0.1:7233',
    });
  });

  it('counts a check that does not answer in time as down', async () => {
    const registry = new ReadinessRegistry(50);
    registry.register(check('kafka', () => new Promise<ReadinessResult>(() => undefined)));

    const started = Date.now();
    const report = await registry.report();

    expect(Date.now() - started).toBeLessThan(1_000);
    expect(report.checks.kafka).toMatchObject({ state: 'down', detail: 'no answer within 50 ms' });
  });

  it('lets a module replace a default check by registering the same name', async () => {
    const registry = new ReadinessRegistry(100);
    registry.register(check('event-store', async () => ({ state: 'down' })));
    registry.register(check('event-store', async () => ({ state: 'up', detail: 'head position 7' })));

    const report = await registry.report();

    expect(registry.names()).toEqual(['event-store']);
    expect(report.checks['event-store'].detail).toBe('head position 7');
  });
});
