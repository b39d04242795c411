import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@mandate/auth';
import type { AppConfig } from '@mandate/config';
import { type MandateJwtClaims, MandateJwtSigner } from '@mandate/credentials';
import {
  credentialConnections,
  evaluateLease,
  isLeaseActive,
  leaseNarrowingHolds,
  requestNarrowingRefusal,
  servesWorkspace,
} from '@mandate/domain';
import { APP_CONFIG } from '../app.tokens';
import { CLOCK, type Clock } from '../clock';
import { ProjectionService } from '../core/projection.service';
import { InvokerRightsResolver } from '../overlays/invoker-rights.resolver';
import { CredentialLeaseReader } from './credential-lease.reader';
import { parseAgentSubject, tokenNarrowing } from './lease-token-claims';

export const INTROSPECT_SCOPE = 'credentials:introspect';

/** RFC 7662 §2.2: an inactive token's answer says nothing else, whatever made it inactive. */
export type IntrospectionAnswer =
  { active: false } | ({ active: true; token_type: 'Bearer' } & MandateJwtClaims);

const INACTIVE: IntrospectionAnswer = Object.freeze({ active: false });
/**
 * The request the introspecting service is about to serve with the token (RFC 7662 §2.1 lets the
 * endpoint take such context): host without port, path without query, method. A narrowed lease's
 * token is active only for a request named and inside its narrowing.
 */
export interface IntrospectedRequest {
  host?: string;
  path?: string;
  method?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Online validation of a `mandate-jwt` (RFC 7662). Active only when every one holds: Mandate's
 * signature with a published key, not expired, a lease of a workspace the asking service is bound
 * to, that lease neither revoked nor ended nor past its end now, and what it covers still allowed
 * by the effective permissions (as the projection holds them). A token of another tenant is
 * therefore inactive to the caller, exactly as a forged one: the answer reveals nothing more. A
 * lease from a narrowed connection is active only for a request the caller names that lies inside
 * the narrowing recorded with the lease; the answer then carries the `narrowing` claim.
 */
@Injectable()
export class LeaseIntrospection {
  constructor(
    private readonly signer: MandateJwtSigner,
    private readonly leases: CredentialLeaseReader,
    private readonly projections: ProjectionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly invokerRights: InvokerRightsResolver,
  ) {}

  async introspect(
    principal: Principal,
    token: string,
    request: IntrospectedRequest = {},
  ): Promise<IntrospectionAnswer> {
    const nowMs = this.clock.now().getTime();
    const claims = await this.signer.verify(token, this.config.LEASE_JWT_ISSUER, nowMs);
    const subject = parseAgentSubject(claims?.sub);
    if (claims === undefined || subject === undefined) return INACTIVE;
    const { jti } = claims;
    if (typeof jti !== 'string' || !UUID.test(jti)) return INACTIVE;
    const workspace = this.projections.projection.workspace(subject.workspaceId);
    if (workspace === undefined || !servesWorkspace(workspace.workspace, principal)) return INACTIVE;
    const recorded = await this.leases.read(subject.workspaceId, jti);
    if (recorded === undefined || !isLeaseActive(recorded.state, nowMs)) return INACTIVE;
    const { lease } = recorded.state;
    if (lease.channelId !== subject.channelId || claims.aud !== lease.connector) return INACTIVE;
    // What the lease covers must still be allowed now: a restriction, a forbid, a removed
    // connection, a revoked grant or an invoker no longer admitted ends it for introspection at
    // once, without waiting for an event on the lease itself.
    // With the invoker rights it stands on, as recorded: an `invokerCan` overlay reads them.
    const standing = await this.invokerRights.forStanding(
      subject.workspaceId,
      workspace.compiled,
      lease,
      nowMs,
    );
    if (!evaluateLease(workspace.compiled, standing, nowMs).allowed) return INACTIVE;
    // Nor may its connection's narrowing have changed since it was issued.
    const held = credentialConnections(
      workspace.compiled.effectiveIdentity(lease.channelId)?.connections ?? [],
    );
    if (!leaseNarrowingHolds(held, lease)) return INACTIVE;
    // The credential never travels outside its narrowing: an unnamed request is not inside it.
    if (lease.narrowing !== undefined) {
      const { host, path, method } = request;
      if (host === undefined || path === undefined || method === undefined) return INACTIVE;
      if (requestNarrowingRefusal(lease.narrowing, { host, path, method }) !== undefined) return INACTIVE;
    }
    return {
      active: true,
      token_type: 'Bearer',
      iss: this.config.LEASE_JWT_ISSUER,
      sub: claims.sub as string,
      aud: lease.connector,
      scope: lease.actions.join(' '),
      resources: lease.resources,
      iat: claims.iat as number,
      exp: claims.exp as number,
      jti,
      ...(lease.narrowing !== undefined && { narrowing: tokenNarrowing(lease.narrowing) }),
    };
  }
}
