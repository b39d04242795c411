import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  WorkflowUpdateStage,
} from '@temporalio/client';
import type { AppConfig } from '@mandate/config';
import {
  type CredentialVault,
  LeaseTokenStore,
  type UpstreamLeaseIssued,
  UpstreamLeaseRefused,
  type UpstreamLeaseRefusalCode,
  type UpstreamLeaseRequest,
  type UpstreamLeaseStarter,
} from '@mandate/credentials';
import { ownValue } from '@mandate/domain';
import type { Logger } from '@mandate/observability';
import {
  credentialLeaseWorkflow,
  credentialLeaseWorkflowId,
  endLeaseUpdate,
  fromRefusal,
  leaseMintedUpdate,
  type UpstreamLeaseClaims,
} from '@mandate/workflows';
import { loadJitCommandKey } from './jit-command-key';
import { signLeaseRequest } from './lease-request-signature';

/** The port's refusal for each code the minters and the mint activity refuse with. */
const refusalCodes: Record<string, UpstreamLeaseRefusalCode> = {
  'workspace-not-found': 'credential-not-found',
  'unknown-connection': 'credential-not-found',
  'credential-not-found': 'credential-not-found',
  'unsigned-command': 'upstream-lease-refused',
  'credential-kind-changed': 'credential-kind-not-leasable',
  'upstream-refused': 'upstream-lease-refused',
  'upstream-scope-mismatch': 'upstream-lease-refused',
  'upstream-unavailable': 'upstream-lease-unavailable',
  'lease-outside-narrowing': 'lease-outside-narrowing',
  'vault-unavailable': 'upstream-lease-unavailable',
};

export type UpstreamLeaseStarterConfig = Pick<
  AppConfig,
  'JIT_COMMAND_KEY_PATH' | 'DATA_DIR' | 'NODE_ENV' | 'TEMPORAL_TASK_QUEUE'
>;

/**
 * Upstream leases through their Temporal workflow: `issue` starts the lease's workflow and waits
 * on its `minted` update in the same round trip (update-with-start), then reads the token from the
 * vault, where the mint activity put it: the token never crosses Temporal. The request is signed,
 * so the worker mints only what the decision point decided. Issuing a live lease again meets the
 * running workflow and answers the same token. The API's lease route and the gateway's connector
 * endpoint both start leases through this one class.
 */
export class TemporalUpstreamLeaseStarter implements UpstreamLeaseStarter {
  private readonly key: Buffer;
  private readonly tokens: LeaseTokenStore;

  constructor(
    private readonly temporal: Client,
    vault: CredentialVault,
    private readonly config: UpstreamLeaseStarterConfig,
    private readonly logger: Logger,
  ) {
    this.key = loadJitCommandKey({
      path: config.JIT_COMMAND_KEY_PATH,
      dataDir: config.DATA_DIR,
      production: config.NODE_ENV === 'production',
      warn: (message) => logger.warn(message),
    });
    this.tokens = new LeaseTokenStore(vault);
  }

  async issue(request: UpstreamLeaseRequest): Promise<UpstreamLeaseIssued> {
    // Only the port's fields: whatever else a caller's object holds stays out of the payload.
    const claims: UpstreamLeaseClaims = {
      workspaceId: request.workspaceId,
      leaseId: request.leaseId,
      connectionId: request.connectionId,
      connector: request.connector,
      credentialKind: request.credentialKind,
      actions: [...request.actions],
      resources: [...request.resources],
      expiresAt: request.expiresAt,
      grantId: request.grantId ?? null,
      ...(request.bundleId ? { bundleId: request.bundleId, channelId: request.channelId ?? null } : {}),
      ...(request.organizationId ? { organizationId: request.organizationId } : {}),
    };
    const startWorkflowOperation = new WithStartWorkflowOperation(credentialLeaseWorkflow, {
      workflowId: credentialLeaseWorkflowId(claims.workspaceId, claims.leaseId),
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      args: [{ request: claims, signature: signLeaseRequest(this.key, claims) }],
      // A running lease answers again; an ended one is never restarted; one whose mint failed
      // (refused, upstream down) may be asked again.
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    });
    const minted = await this.temporal.workflow
      .executeUpdateWithStart(leaseMintedUpdate, { startWorkflowOperation })
      .catch((error: unknown) => {
        throw this.refusalOf(error);
      });
    const kept = await this.tokens.get(claims.workspaceId, claims.leaseId).catch(() => undefined);
    if (kept === undefined) {
      throw new UpstreamLeaseRefused(
        'upstream-lease-unavailable',
        'The lease was minted but its token cannot be read from the vault; retry',
      );
    }
    return {
      token: kept.token,
      upstreamExpiresAt: minted.upstreamExpiresAt,
      tokenFingerprint: minted.tokenFingerprint,
    };
  }

  /**
   * Returns once the workflow has taken the end in: revocation at the upstream follows, retried
   * until it succeeds, without holding the caller. A lease whose workflow is gone has ended already.
   */
  async end(workspaceId: string, leaseId: string, reason: string): Promise<void> {
    const handle = this.temporal.workflow.getHandle(credentialLeaseWorkflowId(workspaceId, leaseId));
    try {
      await handle.startUpdate(endLeaseUpdate, {
        args: [{ reason }],
        waitForStage: WorkflowUpdateStage.ACCEPTED,
      });
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return;
      throw this.refusalOf(error);
    }
  }

  /**
   * A refusal the workflow carried back, as the port's. Anything else (Temporal unreachable, a
   * timeout) is an outage the caller may retry: its message goes to the log, not to the answer.
   */
  private refusalOf(error: unknown): UpstreamLeaseRefused {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      return new UpstreamLeaseRefused('upstream-lease-refused', 'The lease has ended; its token is revoked');
    }
    const refused = fromRefusal(error);
    if (refused === undefined) {
      this.logger.warn({ err: error }, 'credential lease workflow unreachable');
      return new UpstreamLeaseRefused(
        'upstream-lease-unavailable',
        'The lease workflow could not be reached; retry',
      );
    }
    const code: UpstreamLeaseRefusalCode =
      ownValue(refusalCodes, refused.code) ??
      (refused.kind === 'unavailable' ? 'upstream-lease-unavailable' : 'malformed-lease-request');
    return new UpstreamLeaseRefused(code, `${refused.code}: ${refused.message}`);
  }
}
