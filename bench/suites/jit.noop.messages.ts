import { defineUpdate } from '@temporalio/workflow';

/** The no-op lifecycle's updates: the same names and round trips as a JIT grant's (workflows/jit-grant.messages.ts). */
export const noopSubmittedUpdate = defineUpdate<number>('submitted');
export const noopApproveUpdate = defineUpdate<number>('approve');

/** One step of the lifecycle, as a local activity that does nothing. */
export interface NoopActivities {
  step(n: number): Promise<number>;
}
