import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { loadConfig } from '@mandate/config';
import { connectTemporalClient, type TemporalClientHandle } from '@mandate/temporal';
import { helloWorkflow } from '@mandate/workflows';
import { WorkerModule } from '../../apps/worker/src/worker.module';

describe('Temporal wiring: the worker app on the local server', () => {
  // A queue of its own, so no other worker can pick up this test's tasks.
  const config = loadConfig({
    ...process.env,
    TEMPORAL_TASK_QUEUE: `hello-${randomUUID()}`,
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

  it('runs the hello workflow through its activity and returns the result', async () => {
    // given a worker polling the task queue (beforeAll)
    // when a client starts the hello workflow and waits for it
    const result = await temporal.client.workflow.execute(helloWorkflow, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: `hello-${randomUUID()}`,
      args: ['Mandate'],
    });

    // then the activity's greeting comes back through the server
    expect(result).toBe('Hello, Mandate!');
  }, 60_000);
});
