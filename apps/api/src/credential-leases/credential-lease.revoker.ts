import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@mandate/auth';
import { isUpstreamLeaseKind, UPSTREAM_LEASE_STARTER, type UpstreamLeaseStarter } from '@mandate/credentials';
import {
  type CredentialLeaseCommand,
  credentialLeaseDecider,
  credentialLeaseStreamId,
  DomainError,
  rolesHeldBy,
  workspaceDecider,
  workspaceStreamId,
} from '@mandate/domain';
import type { Logger } from '@mandate/observability';
import { LOGGER } from '../app.tokens';
import { type CommandOutcome, CommandRunner } from '../core/command-runner';
import { CredentialLeaseReader } from './credential-lease.reader';

/**
 * An admin ends a lease before its end. The revocation is recorded first (introspection answers
 * `active: false` from then on); an upstream lease is then ended at its starter, whose workflow
 * revokes the token at the upstream and records `CredentialLeaseEnded`.
 */
@Injectable()
export class CredentialLeaseRevoker {
  constructor(
    private readonly commands: CommandRunner,
    private readonly leases: CredentialLeaseReader,
    @Inject(UPSTREAM_LEASE_STARTER) private readonly upstream: UpstreamLeaseStarter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async revoke(
    principal: Principal,
    workspaceId: string,
    leaseId: string,
    reason: string,
  ): Promise<CommandOutcome> {
    const { state } = await this.commands.fold(workspaceDecider, workspaceStreamId(workspaceId));
    if (state.status !== 'active') {
      throw new DomainError('not_found', 'workspace-not-found', 'Workspace not found');
    }
    const callerRoles = rolesHeldBy(state, principal);
    const outcome = await this.commands.run(
      credentialLeaseDecider,
      credentialLeaseStreamId(workspaceId, leaseId),
      (context): CredentialLeaseCommand => ({
        type: 'RevokeCredentialLease',
        workspaceId,
        leaseId,
        reason,
        callerRoles,
        ...context,
      }),
      { workspaceId, principal, issuesIn: 'params' },
    );
    const lease = await this.leases.read(workspaceId, leaseId);
    // Ended again on a repeated revoke too: an end that failed after the event is completed by retrying.
    if (
      lease !== undefined &&
      lease.state.status === 'revoked' &&
      isUpstreamLeaseKind(lease.state.lease.credentialKind)
    ) {
      await this.upstream.end(workspaceId, leaseId, reason).catch((error: unknown) => {
        this.logger.error({ err: error, workspaceId, leaseId }, 'ending a revoked upstream lease failed');
        throw new DomainError(
          'unavailable',
          'upstream-lease-unavailable',
          'The revocation is recorded, but ending the upstream token failed; revoke again to retry',
          [],
          { leaseId, retryAfterSeconds: 1 },
        );
      });
    }
    return outcome;
  }
}
