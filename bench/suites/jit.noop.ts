import { randomUUID } from 'node:crypto';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { type NoopActivities, noopApproveUpdate, noopSubmittedUpdate } from './jit.noop.messages';
import type { noopLifecycleWorkflow } from './jit.noop.workflow';

export interface NoopLifecycles {
  /** Request (update-with-start), approve (update), then the result once the timer and the last step ran. */
  lifecycle(durationSeconds: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A worker of the bench's own, on a task queue of its own on the same Temporal server as the JIT
 * stack's, running noopLifecycleWorkflow with the SDK's defaults (as the Mandate worker has), and
 * a client to drive it.
 */
export async function startNoopLifecycles(address: string, namespace = 'default'): Promise<NoopLifecycles> {
  const taskQueue = `bench-noop-${process.pid}-${Date.now()}`;
  const connection = await NativeConnection.connect({ address });
  const activities: NoopActivities = { step: async (n) => n };
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowsPath: require.resolve('./jit.noop.workflow'),
    activities,
    stickyQueueScheduleToStartTimeout: '1 second',
  });
  const running = worker.run();
  const clientConnection = await Connection.connect({ address });
  const client = new Client({ connection: clientConnection, namespace });
  return {
    lifecycle: async (durationSeconds) => {
      const startWorkflowOperation = new WithStartWorkflowOperation<typeof noopLifecycleWorkflow>(
        'noopLifecycleWorkflow',
        {
          workflowId: `bench-noop-${randomUUID()}`,
          taskQueue,
          args: [durationSeconds * 1000],
          workflowIdConflictPolicy: 'FAIL',
        },
      );
      await client.workflow.executeUpdateWithStart(noopSubmittedUpdate, { startWorkflowOperation });
      const handle = await startWorkflowOperation.workflowHandle();
      await handle.executeUpdate(noopApproveUpdate);
      await handle.result();
    },
    close: async () => {
      worker.shutdown();
      await running;
      await clientConnection.close();
      await connection.close();
    },
  };
}
