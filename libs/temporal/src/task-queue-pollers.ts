import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

/**
 * Is the worker process `pid` polling the task queue for workflow tasks? Workers identify as
 * `<pid>@<host>` by default; matching the pid tells this worker from one that stopped a moment
 * ago, which the server still lists for a while.
 */
export async function isPollingWorkflows(client: Client, taskQueue: string, pid: number): Promise<boolean> {
  const { pollers } = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return pollers.some((poller) => poller.identity?.startsWith(`${pid}@`) === true);
}
