import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, provideTemporal, type ProvidedTemporal } from '@mandate/infra';
import { startTsProcess, type TsProcess } from '@mandate/testing';
import { approveUpdate } from '@mandate/workflows';
import { as, handleOf, type JitKit, requestCommand, startJitKit, storedEvents, submit } from './jit-test-kit';

const WORKER_MAIN = join(__dirname, '..', '..', 'apps', 'worker', 'src', 'main.ts');
const GRANT_SECONDS = 8;
/**
 * The expiry event trails the timer by the workflow task and the activity — plus, here, a worker
 * process restarting (bundling workflows takes seconds on a loaded 2-core machine). The bound
 * proves the timer fired after the crash rather than much later; how soon is the `jit` benchmark's
 * `expiry_event_lag_p99_ms`, and the read model denies at `expiresAt` whatever the lag.
 */
const EXPIRY_LAG_MS = 15_000;

/**
 * Workers as real processes killed with SIGKILL, and a dev server of the test's own (with its
 * database file) stopped and started again: waits, timers and grants survive both.
 */
describe('JIT grant durability', () => {
  const dbFile = join(mkdtempSync(join(tmpdir(), 'mandate-temporal-')), 'temporal.db');
  let port: number;
  let temporal: ProvidedTemporal | undefined;
  let kit: JitKit;
  let worker: TsProcess | undefined;

  const startServer = async () => {
    const { TEMPORAL_ADDRESS: _ignored, ...env } = process.env;
    temporal = await provideTemporal({ env, dbFile, port });
  };
  const startWorker = async () => {
    worker = startTsProcess(WORKER_MAIN, [], {
      TEMPORAL_ADDRESS: kit.config.TEMPORAL_ADDRESS,
      TEMPORAL_TASK_QUEUE: kit.config.TEMPORAL_TASK_QUEUE,
      SQLITE_PATH: kit.storePath,
      DATA_DIR: kit.config.DATA_DIR,
      JIT_COMMAND_KEY_PATH: kit.config.JIT_COMMAND_KEY_PATH as string,
      LOG_LEVEL: 'info',
    });
    await worker.waitFor((message) => /polling task queue/.test(String((message as { msg?: string }).msg)));
  };
  const killWorker = async () => {
    worker?.child.kill('SIGKILL');
    expect((await worker?.closed)?.signal).toBe('SIGKILL');
    worker = undefined;
  };

  beforeAll(async () => {
    port = await freePort();
    await startServer();
    kit = await startJitKit({ inProcessWorker: false, env: { TEMPORAL_ADDRESS: `127.0.0.1:${port}` } });
    await startWorker();
  }, 180_000);

  afterAll(async () => {
    worker?.child.kill('SIGKILL');
    await worker?.closed;
    await kit?.close();
    await temporal?.stop();
  }, 60_000);

  const expectExpiredOnTime = async (requestIds: string[]) => {
    for (const requestId of requestIds) await handleOf(kit, requestId).result();
    for (const requestId of requestIds) {
      const events = await storedEvents(kit, requestId);
      expect(events.map((event) => event.type).slice(-2)).toEqual(['AccessGranted', 'AccessExpired']);
      const expiresAt = Date.parse((events.at(-2)?.data as { expiresAt: string }).expiresAt);
      const recordedAt = Date.parse(events.at(-1)?.recordedAt as string);
      expect(recordedAt).toBeGreaterThanOrEqual(expiresAt);
      expect(recordedAt - expiresAt).toBeLessThan(EXPIRY_LAG_MS);
    }
  };

  it('a SIGKILLed worker: pending requests still get decided, active grants still expire on time', async () => {
    // given requests waiting for approval and grants that are active
    const pending = [
      requestCommand({ durationSeconds: GRANT_SECONDS }),
      requestCommand({ durationSeconds: GRANT_SECONDS }),
    ];
    const active = [
      requestCommand({ durationSeconds: GRANT_SECONDS }),
      requestCommand({ durationSeconds: GRANT_SECONDS }),
    ];
    for (const command of [...pending, ...active]) await submit(kit, command);
    for (const command of active) {
      await handleOf(kit, command.requestId).executeUpdate(approveUpdate, {
        args: [{ ...as('alice', ['approver']), comment: null }],
      });
    }

    // when the worker is killed and another one starts
    await killWorker();
    await startWorker();

    // then the pending requests take approvals, and every grant expires on time
    for (const command of pending) {
      const approved = await handleOf(kit, command.requestId).executeUpdate(approveUpdate, {
        args: [{ ...as('bob', ['approver']), comment: null }],
      });
      expect(approved.status).toBe('active');
    }
    await expectExpiredOnTime([...pending, ...active].map((command) => command.requestId));
  }, 90_000);

  it('a restarted dev server (same database file): waits and timers carry on', async () => {
    // given a pending request and an active grant
    const waiting = requestCommand({ durationSeconds: GRANT_SECONDS });
    const granted = requestCommand({ durationSeconds: GRANT_SECONDS });
    await submit(kit, waiting);
    await submit(kit, granted);
    await handleOf(kit, granted.requestId).executeUpdate(approveUpdate, {
      args: [{ ...as('alice', ['approver']), comment: null }],
    });

    // when the server stops and starts again on its database file (the worker stays up and reconnects)
    await temporal?.stop();
    await startServer();

    // then the request still takes its approval, and both grants expire on time
    const approved = await handleOf(kit, waiting.requestId).executeUpdate(approveUpdate, {
      args: [{ ...as('bob', ['approver']), comment: null }],
    });
    expect(approved.status).toBe('active');
    await expectExpiredOnTime([waiting.requestId, granted.requestId]);
  }, 120_000);
});
