import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import {
  type CredentialVault,
  MandateJwtSigner,
  UPSTREAM_LEASE_STARTER,
  UpstreamLeaseRefused,
  type UpstreamLeaseStarter,
} from '@mandate/credentials';
import { type CredentialLeaseIssuedData, leaseEnd } from '@mandate/domain';
import type { Logger } from '@mandate/observability';
import { APP_CONFIG, LOGGER } from '../app.tokens';
import { CREDENTIAL_VAULT } from '../credentials/credential-vault.provider';
import { upstreamRefusal } from './issued-lease';
import type { HolderClaims } from './lease-credential-holder';
import { leaseTokenClaims } from './lease-token-claims';

/**
 * A lease's token: signed here for a `mandate-jwt`, minted by the upstream starter (the lease
 * workflow) otherwise. The issuer decides whether a lease may be had; this only makes its token.
 */
@Injectable()
export class LeaseTokenMinter {
  constructor(
    private readonly signer: MandateJwtSigner,
    @Inject(CREDENTIAL_VAULT) private readonly vault: CredentialVault,
    @Inject(UPSTREAM_LEASE_STARTER) private readonly upstream: UpstreamLeaseStarter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** A new lease's token, and the lease as recorded: its end may come earlier than asked (the upstream's). */
  async mint(
    terms: Omit<CredentialLeaseIssuedData, 'tokenFingerprint' | 'narrowing'>,
    narrowing: CredentialLeaseIssuedData['narrowing'],
    maxTtlMs: number,
    /** Where the worker finds a bundle's connection and its credential (signed, never recorded). */
    holder: HolderClaims,
  ): Promise<{ token: string; lease: CredentialLeaseIssuedData }> {
    const { credentialKind } = terms;
    if (credentialKind === 'mandate-jwt') {
      const token = await this.signer.sign(
        leaseTokenClaims(this.config.LEASE_JWT_ISSUER, { ...terms, narrowing }),
      );
      return { token, lease: { ...terms, tokenFingerprint: await this.vault.fingerprint(token) } };
    }
    const issued = await this.issueUpstream({
      ...terms,
      ...holder,
      credentialKind,
      actions: terms.actions,
      resources: terms.resources,
    });
    const expiresAt = leaseEnd(
      Date.parse(terms.issuedAt),
      maxTtlMs,
      terms.expiresAt,
      issued.upstreamExpiresAt,
    );
    return { token: issued.token, lease: { ...terms, expiresAt, tokenFingerprint: issued.tokenFingerprint } };
  }

  /**
   * A recorded lease's token again: a `mandate-jwt` re-signed from the recorded claims (Ed25519 is
   * deterministic: the same token); an upstream starter returns the token it minted for the lease.
   */
  async again(lease: CredentialLeaseIssuedData): Promise<string> {
    if (lease.credentialKind === 'mandate-jwt') {
      return this.signer.sign(leaseTokenClaims(this.config.LEASE_JWT_ISSUER, lease));
    }
    return (await this.issueUpstream({ ...lease, credentialKind: lease.credentialKind })).token;
  }

  /** The upstream starter's mint; its refusal becomes the API's problem. */
  private issueUpstream(request: Parameters<UpstreamLeaseStarter['issue']>[0]) {
    return this.upstream.issue(request).catch((error: unknown) => {
      throw error instanceof UpstreamLeaseRefused ? upstreamRefusal(error) : error;
    });
  }

  /** Ends an upstream token nobody can account for (its lease was not recorded); never throws. */
  async endUnrecorded(workspaceId: string, leaseId: string): Promise<void> {
    await this.upstream.end(workspaceId, leaseId, 'not-recorded').catch((error: unknown) => {
      this.logger.error({ err: error, workspaceId, leaseId }, 'could not end an unrecorded upstream lease');
    });
  }
}
