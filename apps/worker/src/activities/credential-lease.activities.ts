import { ApplicationFailure } from '@temporalio/common';
import { v5 as uuidv5 } from 'uuid';
import {
  type CredentialVault,
  LeaseTokenStore,
  type UpstreamCredentialMinter,
  VaultError,
} from '@mandate/credentials';
import {
  credentialLeaseDecider,
  credentialLeaseStreamId,
  credentialRevocationDecider,
  credentialRevocationStreamId,
  DomainError,
  isDomainError,
} from '@mandate/domain';
import { type EventStore, handleCommand } from '@mandate/event-store';
import { checkLeaseRequestSignature } from '@mandate/temporal';
import {
  type CredentialLeaseActivities,
  type CredentialLeaseInput,
  DOMAIN_REFUSAL,
  type DomainRefusal,
  type LeaseOutcome,
  type LeaseRef,
  toRefusal,
} from '@mandate/workflows';
import { credentialAt, upstreamSourceOf } from './upstream-credential.source';

/** Namespace of the deterministic ids of events the lease workflow's steps append. */
const LEASE_EVENT_NAMESPACE = '0c6f1e0a-3d52-4b7e-9a41-6e2d8c5f7b13';
const WORKER_ACTOR = { kind: 'system', id: 'credential-lease-workflow' } as const;

export interface CredentialLeaseDependencies {
  store: () => EventStore | Promise<EventStore>;
  vault: () => CredentialVault;
  /** The key the API signs lease requests with (the JIT command key). */
  commandKey: () => Buffer;
  minter: UpstreamCredentialMinter;
  /** Told when a lease's revocation is reported failed: a metric, a log line. */
  onRevocationFailed?: (lease: LeaseRef & { connectionId: string }) => void;
}

/**
 * What crosses back to the workflow: a refusal is final (non-retryable); an upstream or vault that
 * did not answer is retried, and once retries are spent reaches the caller as `…-unavailable`.
 */
function asFailure(error: unknown): unknown {
  if (error instanceof VaultError) {
    error = new DomainError('unavailable', 'vault-unavailable', 'The credential vault is unavailable');
  }
  if (!isDomainError(error)) return error;
  if (error.kind !== 'unavailable') return toRefusal(error);
  const details: DomainRefusal = { kind: error.kind, code: error.code, message: error.message, issues: [] };
  return ApplicationFailure.create({ type: DOMAIN_REFUSAL, message: error.message, details: [details] });
}

const failing =
  <Args extends unknown[], Result>(step: (...args: Args) => Promise<Result>) =>
  async (...args: Args): Promise<Result> => {
    try {
      return await step(...args);
    } catch (error) {
      throw asFailure(error);
    }
  };

/**
 * Revocation is never refused for good: an upstream's 4xx (GitHub answers its secondary rate limit
 * with 403) is retried like an outage, since a live token must not be given up on.
 */
const alwaysRetried =
  <Args extends unknown[]>(step: (...args: Args) => Promise<void>) =>
  async (...args: Args): Promise<void> => {
    try {
      await step(...args);
    } catch (error) {
      throw ApplicationFailure.create({
        type: 'RevocationFailed',
        message: error instanceof Error ? error.message : 'revocation failed',
        nonRetryable: false,
      });
    }
  };

/**
 * The lease workflow's activities, and its authoritative steps: the API's signature is checked and
 * the connection, the credential and its kind are read from the log and the vault, whatever the
 * payload says. The token goes from the upstream to the vault and from the vault to the upstream
 * again; the workflow only ever sees its fingerprint.
 */
export function createCredentialLeaseActivities(
  deps: CredentialLeaseDependencies,
): CredentialLeaseActivities {
  const tokens = () => new LeaseTokenStore(deps.vault());
  return {
    mintUpstreamLease: failing(async ({ request, signature }: CredentialLeaseInput) => {
      if (!checkLeaseRequestSignature(deps.commandKey(), request, signature)) {
        throw new DomainError(
          'forbidden',
          'unsigned-command',
          'The lease request does not carry the API’s signature; Temporal traffic is not an authority',
        );
      }
      const { workspaceId, leaseId } = request;
      const store = tokens();
      // A retry after the token was stored (a crash, a lost answer) mints nothing new.
      const kept = await store.get(workspaceId, leaseId);
      if (kept !== undefined) {
        return {
          tokenFingerprint: await store.fingerprint(kept.token),
          upstreamExpiresAt: kept.upstreamExpiresAt,
        };
      }
      if (!(Date.parse(request.expiresAt) > Date.now())) {
        throw new DomainError('unprocessable', 'credential-lease-expired', 'The lease has already ended');
      }
      const source = await upstreamSourceOf(await deps.store(), deps.vault(), request);
      const minted = await deps.minter.mint(source);
      try {
        const tokenFingerprint = await store.put(workspaceId, leaseId, {
          token: minted.token,
          connectionId: request.connectionId,
          credentialVersion: source.credentialVersion,
          ...(source.credentialOwner === workspaceId ? {} : { credentialOwner: source.credentialOwner }),
          upstreamExpiresAt: minted.expiresAt,
          ...(source.credential.kind === 'github-app' ? { githubBaseUrl: source.credential.baseUrl } : {}),
        });
        return { tokenFingerprint, upstreamExpiresAt: minted.expiresAt };
      } catch (error) {
        // A token nobody can find again must not stay alive until the upstream lets it lapse.
        await deps.minter.revoke(source.credential, minted.token).catch(() => undefined);
        throw error;
      }
    }),

    revokeUpstreamLease: alwaysRetried(async ({ workspaceId, leaseId }: LeaseRef) => {
      const store = tokens();
      const kept = await store.get(workspaceId, leaseId);
      if (kept === undefined) return;
      const credential =
        (await credentialAt(
          deps.vault(),
          kept.credentialOwner ?? workspaceId,
          kept.connectionId,
          kept.credentialVersion,
        )) ??
        (kept.githubBaseUrl === undefined
          ? undefined
          : { kind: 'github-app' as const, baseUrl: kept.githubBaseUrl });
      // A destroyed OAuth credential leaves nothing to authenticate a revocation with: the token runs out.
      if (credential !== undefined) await deps.minter.revoke(credential, kept.token);
      await store.destroy(workspaceId, leaseId);
    }),

    recordLeaseOutcome: failing(async (outcome: LeaseOutcome) => {
      const { workspaceId, leaseId, reason, attempts, stepKey } = outcome;
      const store = await deps.store();
      const now = new Date().toISOString();
      const envelope = (type: string, data: unknown) => ({
        id: uuidv5(stepKey, LEASE_EVENT_NAMESPACE),
        type,
        data,
        occurredAt: now,
        workspaceId,
        actor: WORKER_ACTOR,
        metadata: { correlationId: leaseId, causationId: stepKey },
      });
      const leaseStream = credentialLeaseStreamId(workspaceId, leaseId);
      const lease = await store.readStream(leaseStream);
      // A lease never recorded (the API stopped between mint and record) has nothing to end.
      if (lease.length === 0) return;
      if (outcome.type === 'CredentialLeaseEnded') {
        await handleCommand(
          store,
          credentialLeaseDecider,
          leaseStream,
          { type: 'EndCredentialLease', workspaceId, leaseId, reason, actor: WORKER_ACTOR, now },
          {
            retryOnConflict: 3,
            toEnvelope: (events) => events.map((event) => envelope(event.type, event.data)),
          },
        );
        return;
      }
      const connectionId = (lease[0].data as { connectionId: string }).connectionId;
      const result = await handleCommand(
        store,
        credentialRevocationDecider,
        credentialRevocationStreamId(workspaceId, leaseId),
        {
          type: 'ReportRevocationFailure',
          data: { workspaceId, leaseId, connectionId, attempts, reason },
          actor: WORKER_ACTOR,
          now,
        },
        {
          retryOnConflict: 3,
          toEnvelope: (events) => events.map((event) => envelope(event.type, event.data)),
        },
      );
      if (result.events.length > 0) deps.onRevocationFailed?.({ workspaceId, leaseId, connectionId });
    }),
  };
}
