import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';

/**
 * A namespace of its own on the shared test Temporal server, for tests that use fixed ids (the
 * demo's requests, the README's): workflow ids are unique per namespace, so two such tests, or a
 * second run against a long-lived server, never attach to each other's workflows.
 */
export async function freshTemporalNamespace(address: string, prefix = 'test'): Promise<string> {
  const namespace = `${prefix}-${randomUUID()}`;
  const connection = await Connection.connect({ address });
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
    // Registration is eventually visible to the frontend: wait until the namespace answers.
    for (let attempt = 0; ; attempt++) {
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return namespace;
      } catch (error) {
        if (attempt >= 100) throw error;
        await sleep(100);
      }
    }
  } finally {
    await connection.close();
  }
}
