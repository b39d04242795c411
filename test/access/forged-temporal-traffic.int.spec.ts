import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { connectTemporalClient, type TemporalClientHandle } from '@mandate/temporal';
import { approveUpdate, DOMAIN_REFUSAL, jitGrantWorkflow, jitWorkflowId } from '@mandate/workflows';
import { type JitKit, policyWith, requestCommand, startJitKit, storedTypes, submit } from './jit-test-kit';

/**
 * Anyone who reaches the Temporal frontend can start workflows and send updates. Temporal is
 * infrastructure, not an authority: what such a client sends must never become a grant.
 */
describe('forged Temporal traffic (a client of the Temporal server, not the API)', () => {
  let kit: JitKit;
  let forger: TemporalClientHandle;

  beforeAll(async () => {
    kit = await startJitKit();
    forger = await connectTemporalClient(kit.config);
  }, 120_000);

  afterAll(async () => {
    await forger?.close();
    await kit?.close();
  }, 60_000);

  const grantsIn = async (workspaceId: string): Promise<unknown[]> =>
    (await kit.store.readAll()).filter(
      (event) => event.type === 'AccessGranted' && event.workspaceId === workspaceId,
    );

  it('an approval update from a made-up approver with owner roles grants nothing', async () => {
    // given a pending request the API started
    const command = requestCommand();
    expect((await submit(kit, command)).status).toBe('pending');

    // when a Temporal client sends an approve update in the name of a principal nobody made owner
    const forged = forger.client.workflow
      .getHandle<typeof jitGrantWorkflow>(jitWorkflowId(command.workspaceId, command.requestId))
      .executeUpdate(approveUpdate, {
        args: [{ actor: { kind: 'user', id: 'mallory' }, callerRoles: ['owner'], comment: 'lgtm' }],
      });

    // then the update is refused and the request stays pending, with no grant
    expect(await refusalCode(forged)).toBe('unsigned-command');
    expect(await storedTypes(kit, command.requestId)).toEqual(['AccessRequested']);
    expect(await grantsIn(command.workspaceId)).toEqual([]);
  }, 30_000);

  it('an approval update in the name of a real approver, but not sent by the API, grants nothing', async () => {
    // given a pending request
    const command = requestCommand();
    await submit(kit, command);

    // when a Temporal client claims to be alice (an approver) with her roles
    const forged = forger.client.workflow
      .getHandle<typeof jitGrantWorkflow>(jitWorkflowId(command.workspaceId, command.requestId))
      .executeUpdate(approveUpdate, {
        args: [{ actor: { kind: 'user', id: 'alice' }, callerRoles: ['approver'], comment: null }],
      });

    // then it is refused: who acts is what the API vouches for, not what a payload says
    expect(await refusalCode(forged)).toBe('unsigned-command');
    expect(await storedTypes(kit, command.requestId)).toEqual(['AccessRequested']);
  }, 30_000);

  it('a workflow started with its own auto-approving policy for another workspace grants nothing', async () => {
    // given a workspace the forger has no part in
    const victim = `victim-${randomUUID().slice(0, 8)}`;
    const command = requestCommand({
      workspaceId: victim,
      actions: ['admin'],
      resources: ['victim/**'],
      durationSeconds: 3600,
      invokedBy: null,
      actor: { kind: 'user', id: 'mallory' },
      callerRoles: ['owner'],
      policy: policyWith({ autoApprove: [{ actions: ['admin'], maxDurationSeconds: 86_400 }] }),
    });

    // when a Temporal client starts the JIT workflow itself
    const handle = await forger.client.workflow.start(jitGrantWorkflow, {
      workflowId: `forged-${randomUUID()}`,
      taskQueue: kit.config.TEMPORAL_TASK_QUEUE,
      args: [{ command }],
    });

    // then the workflow records nothing: no request, no grant in that workspace
    await settled(async () => {
      const { status } = await handle.describe();
      return status.name !== 'RUNNING' || (await storedTypes(kit, command.requestId, victim)).length > 0;
    });
    expect(await storedTypes(kit, command.requestId, victim)).toEqual([]);
    expect(await grantsIn(victim)).toEqual([]);
    await handle.terminate('test over').catch(() => undefined);
  }, 30_000);
});

/** The stable code of an update the workflow refused. */
async function refusalCode(update: Promise<unknown>): Promise<string> {
  const error = await update.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause;
  expect(cause).toMatchObject({ type: DOMAIN_REFUSAL });
  return ((cause as ApplicationFailure).details?.[0] as { code: string }).code;
}

/** Waits until `done` holds (the workflow ran its first step one way or the other). */
async function settled(done: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('the forged workflow neither ended nor wrote anything');
    await sleep(100);
  }
}
