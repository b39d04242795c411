import {
  allHandlersFinished,
  condition,
  proxyLocalActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import { type NoopActivities, noopApproveUpdate, noopSubmittedUpdate } from './jit.noop.messages';

const { step } = proxyLocalActivities<NoopActivities>({ startToCloseTimeout: '10 seconds' });

/**
 * The workflow engine's floor for a JIT grant's lifecycle: the same shape as jitGrantWorkflow —
 * started with the `submitted` update, which answers once the request step has run; an `approve`
 * update that runs a step; a timer for the grant's duration; an expiry step — where every step is a
 * local activity that does nothing. A benchmark fixture, bundled by the bench's own worker.
 */
export async function noopLifecycleWorkflow(durationMs: number): Promise<number> {
  let requested = false;
  let approved = false;
  setHandler(noopSubmittedUpdate, async () => {
    await condition(() => requested);
    return 1;
  });
  setHandler(noopApproveUpdate, async () => {
    await condition(() => requested);
    const position = await step(2);
    approved = true;
    return position;
  });
  await step(1);
  requested = true;
  await condition(() => approved);
  await sleep(durationMs);
  const last = await step(3);
  await condition(allHandlersFinished);
  return last;
}
