import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { loadConfig } from '@mandate/config';
import { connectTemporalClient, isPollingWorkflows, type TemporalClientHandle } from '@mandate/temporal';
import { WorkerModule } from '../../apps/worker/src/worker.module';

describe('Temporal wiring: the worker app on the local server', () => {
  // A queue of its own, so no other worker can pick up this test's tasks.
  const config = loadConfig({
    ...process.env,
    TEMPORAL_TASK_QUEUE: `wiring-${randomUUID()}`,
    LOG_LEVEL: 'warn',
  });
  let worker: INestApplicationContext;
  let temporal: TemporalClientHandle;

  beforeAll(async () => {
    worker = await NestFactory.createApplicationContext(WorkerModule.forConfig(config), { logger: false });
    await worker.init();
    temporal = await connectTemporalClient(config);
  }, 120_000);

  afterAll(async () => {
    await temporal?.close();
    await worker?.close();
  }, 60_000);

  it('bundles the workflows and polls its task queue on the server', async () => {
    // given the worker app started (beforeAll)
    // when the server is asked who polls the test's task queue
    // (the server lists a poller once its first long poll arrives, a moment after start)
    let polling = false;
    for (let attempt = 0; attempt < 50 && !polling; attempt += 1) {
      polling = await isPollingWorkflows(temporal.client, config.TEMPORAL_TASK_QUEUE, process.pid);
      if (!polling) await new Promise((resolve) => setTimeout(resolve, 200));
    }

    // then this process's worker does
    expect(polling).toBe(true);
  }, 60_000);
});
