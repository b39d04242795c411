import { proxyActivities } from '@temporalio/workflow';

/** Implemented by the worker (apps/worker); workflows see only the type. */
export interface HelloActivities {
  greet(name: string): Promise<string>;
}

const { greet } = proxyActivities<HelloActivities>({ startToCloseTimeout: '10 seconds' });

/** The smallest workflow that crosses worker, activity and server: proves the wiring end to end. */
export async function helloWorkflow(name: string): Promise<string> {
  return greet(name);
}
