import type { Principal } from '@mandate/auth';
import { type AppConfig, loadConfig } from '@mandate/config';
import { DomainError } from '@mandate/domain';
import { createLogger, ReadinessRegistry } from '@mandate/observability';
import { createTempDir, type TempDir } from '@mandate/testing';
import { IdentityLog, openTestStore } from '../../../../libs/projections/test/identity-log';
import { ProjectionService } from '../core/projection.service';
import { authorizeCheck } from './check-audience.policy';
import { PermissionsAsOfReader } from './permissions-as-of.reader';

const gateway: Principal = { kind: 'service', id: 'gateway', scopes: ['permissions:check'] };

/**
 * A replica's projection is fed from elsewhere (Kafka), and its own store is not where writes land:
 * a caller bound a moment ago must not be told `unknown-workspace` below the position it wrote at.
 */
describe('PermissionsAsOfReader on a replica (projection fed from another log than its store)', () => {
  let dir: TempDir;
  let feed: IdentityLog;
  let projections: ProjectionService;
  let reader: PermissionsAsOfReader;
  const config = (): AppConfig => loadConfig({ DATA_DIR: dir.path, CHECK_MIN_POSITION_WAIT_MS: '1000' });
  const authorize = () => authorizeCheck(projections.projection, gateway, 'acme', 'checks');

  beforeEach(async () => {
    dir = createTempDir('mandate-replica-admit-');
    const source = openTestStore({ pollIntervalMs: 5 });
    feed = new IdentityLog(source);
    await feed.createWorkspace('acme', 'olivia');
    const own = openTestStore();
    projections = new ProjectionService(
      config(),
      own,
      createLogger({ level: 'silent' }),
      new ReadinessRegistry(2_000),
      source,
    );
    await projections.onApplicationBootstrap();
    reader = new PermissionsAsOfReader(projections, config(), { now: () => new Date() });
  });

  afterEach(async () => {
    await projections.onApplicationShutdown();
    dir.remove();
  });

  it('given a service bound at position P that the replica has not applied yet, when it asks with minPosition P, then it is admitted once the replica has applied P', async () => {
    // given the binding written where the replica reads from, applied by it a little later
    const next = (await feed.store.headPosition()) + 1;
    const binding = new Promise<number>((resolve) =>
      setTimeout(
        () =>
          void feed
            .workspace('acme', 'olivia', { type: 'BindService', serviceId: 'gateway' })
            .then(({ position }) => resolve(position)),
        100,
      ),
    );

    // when the service asks at that position before the replica has it
    const admitted = reader.admit(authorize, undefined, next);

    // then it is admitted, not refused as for a workspace it does not serve
    await expect(Promise.resolve(admitted)).resolves.toBeDefined();
    expect(projections.projection.position).toBeGreaterThanOrEqual(await binding);
  });

  it('given a service never bound, when it asks at a position the replica holds or one it never reaches, then both are refused at the end of the bounded wait', async () => {
    const refusal = async (minPosition: number) => {
      const started = performance.now();
      const refused = Promise.resolve(reader.admit(authorize, undefined, minPosition));
      await expect(refused).rejects.toBeInstanceOf(DomainError);
      await expect(refused).rejects.toMatchObject({ kind: 'not_found' });
      return performance.now() - started;
    };

    const held = await refusal(1);
    const neverReached = await refusal(1_000_000);

    // the refusal's timing does not tell which: both wait the whole bound (1 s), and no longer
    expect([held, neverReached].map((ms) => ms >= 990)).toEqual([true, true]);
    expect(Math.max(held, neverReached)).toBeLessThan(3_000);
  });
});
