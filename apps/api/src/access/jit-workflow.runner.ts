import { Inject, Injectable } from '@nestjs/common';
import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { AppConfig } from '@mandate/config';
import { type AccessRequestState, DomainError } from '@mandate/domain';
import {
  type Caller,
  fromRefusal,
  type JitCommandBody,
  jitGrantWorkflow,
  type JitStepResult,
  jitWorkflowId,
  type RequestAccessCommand,
  submittedUpdate,
} from '@mandate/workflows';
import { APP_CONFIG } from '../app.tokens';
import { locateIssues } from '../core/refusal-location';
import { JitCommandSigner } from './jit-command-signer';
import { TEMPORAL_CLIENT } from './temporal-client.provider';

/**
 * The one way an access command reaches its workflow: a request starts it, every other command is
 * an update, each signed by the API (the worker's activity records nothing unsigned). A refusal,
 * by an update's validator or by the activity, comes back as the DomainError the decider threw.
 */
@Injectable()
export class JitWorkflowRunner {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly signer: JitCommandSigner,
  ) {}

  /** Starts the request's workflow and waits until the request is recorded. */
  start(command: RequestAccessCommand): Promise<JitStepResult> {
    const startWorkflowOperation = new WithStartWorkflowOperation(jitGrantWorkflow, {
      workflowId: jitWorkflowId(command.workspaceId, command.requestId),
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      args: [{ command, signature: this.signer.request(command) }],
      // Posting a request again is a no-op: while it runs the running workflow answers; once it
      // has ended the id is never reused, and the stored request answers.
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    return this.refusing(() =>
      this.temporal.workflow.executeUpdateWithStart(submittedUpdate, { startWorkflowOperation }),
    );
  }

  /** Sends an update signed for the caller and the round the stored request is in. */
  send<Args extends Caller>(
    { workflowId, state }: { workflowId: string; state: Exclude<AccessRequestState, { status: 'absent' }> },
    update: UpdateDefinition<JitStepResult, [Args]>,
    commandOf: (args: Args) => JitCommandBody,
    args: Args,
  ): Promise<JitStepResult> {
    const signed = { ...args, signature: this.signer.update(state, args.actor, commandOf(args)) };
    const handle = this.temporal.workflow.getHandle<typeof jitGrantWorkflow>(workflowId);
    return this.refusing(() => handle.executeUpdate(update, { args: [signed] }));
  }

  /** Updates go to requests that exist, so a workflow that is no longer there is a closed request. */
  private async refusing(send: () => Promise<JitStepResult>): Promise<JitStepResult> {
    try {
      return await send();
    } catch (error) {
      const refused = error instanceof WorkflowUpdateFailedError ? fromRefusal(error) : undefined;
      if (refused) throw locateIssues(refused, 'body');
      if (error instanceof WorkflowNotFoundError) {
        throw new DomainError(
          'conflict',
          'request-closed',
          'The request has ended; nothing awaits a decision',
        );
      }
      throw error;
    }
  }
}
