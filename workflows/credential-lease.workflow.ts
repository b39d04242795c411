import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { jitWorkflowId, legacyJitWorkflowId } from '../libs/domain/src/access/access-request.ids';
import { DomainError } from '../libs/domain/src/shared/domain-error';
import {
  type CredentialLeaseActivities,
  type CredentialLeaseInput,
  type CredentialLeaseStatus,
  endLeaseSignal,
  endLeaseUpdate,
  leaseDerivedSignal,
  type LeaseMinted,
  leaseMintedUpdate,
  leaseStatusQuery,
} from './credential-lease.messages';
import { fromRefusal, toRefusal } from './jit-refusal';

/**
 * Minting is on the caller's round trip: a local activity, retried with backoff for a few seconds
 * (an upstream hiccup), never for a refusal (non-retryable). A retry after a crash finds the token
 * already stored and mints nothing new.
 */
const { mintUpstreamLease, recordLeaseOutcome } = proxyLocalActivities<CredentialLeaseActivities>({
  startToCloseTimeout: '15 seconds',
  localRetryThreshold: '10 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '2 seconds',
    maximumAttempts: 4,
  },
});

/** The first revocations, before anyone is told: quick, bounded. */
const revokeFirst = (attempts: number) =>
  proxyActivities<CredentialLeaseActivities>({
    startToCloseTimeout: '15 seconds',
    retry: {
      initialInterval: '200 milliseconds',
      backoffCoefficient: 2,
      maximumInterval: '5 seconds',
      maximumAttempts: attempts,
    },
  }).revokeUpstreamLease;

/** Then until it works, as Vault keeps at an irrevocable lease: a live token is never forgotten. */
const { revokeUpstreamLease: revokeUntilDone } = proxyActivities<CredentialLeaseActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const LEASE_REASON = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** The patch id of the timer that no longer waits for the grant's registration (see below). */
const TIMER_BESIDE_REGISTRATION = 'lease-timer-beside-grant-registration';
const DEFAULT_ALERT_AFTER = 3;

const asRefusal = (error: unknown): unknown => {
  const refused = fromRefusal(error);
  return refused ? toRefusal(refused) : error;
};

/**
 * One upstream credential lease: mint (the caller waits on the `minted` update, started with the
 * workflow), a durable timer to the lease's end (or the upstream token's, whichever is first), or
 * the `end` update, then revocation at the upstream until it succeeds, then `CredentialLeaseEnded`.
 * The token never enters the workflow: activities keep it in the vault and hand back its
 * fingerprint. Everything the mint relies on is re-read from the log by the activity.
 */
export async function credentialLeaseWorkflow(input: CredentialLeaseInput): Promise<CredentialLeaseStatus> {
  const { workspaceId, leaseId, expiresAt } = input.request;
  const { workflowId } = workflowInfo();
  let status: CredentialLeaseStatus = { stage: 'minting', reason: null, revocationFailed: false };
  let minted: LeaseMinted | undefined;
  let refusal: unknown;
  let endReason: string | undefined;
  const closed = () => status.stage === 'ended' || status.stage === 'refused';

  setHandler(leaseStatusQuery, () => status);
  setHandler(leaseMintedUpdate, async () => {
    await condition(() => minted !== undefined || refusal !== undefined);
    if (minted === undefined) throw refusal;
    return minted;
  });
  setHandler(
    endLeaseUpdate,
    async ({ reason }) => {
      endReason ??= reason;
      await condition(closed);
      return status;
    },
    {
      validator: ({ reason }) => {
        if (typeof reason !== 'string' || !LEASE_REASON.test(reason)) {
          throw toRefusal(
            new DomainError(
              'validation',
              'malformed-lease-reason',
              'A lease reason is kebab-case, at most 63 characters',
            ),
          );
        }
      },
    },
  );

  setHandler(endLeaseSignal, ({ reason }) => {
    if (typeof reason === 'string' && LEASE_REASON.test(reason)) endReason ??= reason;
  });

  try {
    minted = await mintUpstreamLease(input);
  } catch (error) {
    refusal = asRefusal(error);
    status = { ...status, stage: 'refused' };
    await condition(allHandlersFinished);
    // A failed run leaves the id free: the caller's retry (same lease) starts a new one.
    throw refusal;
  }
  status = { ...status, stage: 'active' };
  const { grantId } = input.request;
  let registering: Promise<void> = Promise.resolve();
  if (typeof grantId === 'string') {
    // The grant's workflow ends the lease when the grant ends (a grant from before workflow ids were
    // scoped by workspace runs under its old id); a grant whose workflow is gone has ended.
    const register = (id: string) =>
      getExternalWorkflowHandle(id)
        .signal(leaseDerivedSignal, { workspaceId, leaseId })
        .then(
          () => true,
          () => false,
        );
    registering = (async () => {
      if (
        !(await register(jitWorkflowId(workspaceId, grantId))) &&
        !(await register(legacyJitWorkflowId(grantId)))
      ) {
        endReason ??= 'grant-ended';
      }
    })();
    // The timer to the lease's end starts beside the registration, not after it: a signal to
    // another workflow is delivered when the server gets to it (over a second under load), and a
    // timer started that late fired late too. Histories recorded before wait for it first.
    if (!patched(TIMER_BESIDE_REGISTRATION)) await registering;
  }

  const end = Math.min(Date.parse(expiresAt), Date.parse(minted.upstreamExpiresAt));
  await condition(() => endReason !== undefined, Math.max(1, end - Date.now()));
  const reason = endReason ?? 'expired';
  status = { ...status, stage: 'ending', reason };

  const lease = { workspaceId, leaseId };
  // Bounded: Temporal reads 0 attempts as unlimited, which would never alert.
  const asked = input.revocationAlertAfter;
  const alertAfter = Number.isInteger(asked)
    ? Math.min(Math.max(1, asked as number), 20)
    : DEFAULT_ALERT_AFTER;
  try {
    await revokeFirst(alertAfter)(lease);
  } catch {
    status = { ...status, revocationFailed: true };
    await recordLeaseOutcome({
      ...lease,
      type: 'CredentialRevocationFailed',
      reason,
      attempts: alertAfter,
      stepKey: `${workflowId}/revocation-failed`,
    });
    await revokeUntilDone(lease);
  }
  await recordLeaseOutcome({
    ...lease,
    type: 'CredentialLeaseEnded',
    reason,
    attempts: 0,
    stepKey: `${workflowId}/ended`,
  });
  status = { ...status, stage: 'ended' };
  await registering;
  await condition(allHandlersFinished);
  return status;
}
