import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AuditModule } from '../audit/audit.module';
import { ClockModule } from '../clock';
import { CredentialUseModule } from '../credential-use/credential-use.module';
import { CredentialsModule } from '../credentials/credentials.module';
import { EventStoreModule } from '../event-store/event-store.module';
import { IdentityModule } from '../identity/identity.module';
import { PermissionsModule } from '../permissions/permissions.module';
import { CredentialLeaseIssuer } from './credential-lease.issuer';
import { CredentialLeaseReader } from './credential-lease.reader';
import { CredentialLeaseRevoker } from './credential-lease.revoker';
import { CredentialLeasesController } from './credential-leases.controller';
import { installIntrospectionFormBody } from './introspection-form-body';
import { LeaseAllowanceSweeper } from './lease-allowance.sweeper';
import { LeaseIntrospection } from './lease-introspection';
import { LeaseTokenMinter } from './lease-token.minter';
import { mandateJwtSignerProvider } from './mandate-jwt-signer.provider';
import { OAuthController } from './oauth.controller';
import { upstreamLeaseStarterProviders } from './upstream-lease-starter.provider';

/**
 * Credential leases: issuance (evaluated as agent actions), the lease list, revocation, and the
 * verification of `mandate-jwt` tokens (JWKS, introspection). Upstream minting sits behind
 * `UPSTREAM_LEASE_STARTER`, bound to the lease workflows' Temporal starter.
 */
@Module({
  imports: [
    EventStoreModule,
    ClockModule,
    IdentityModule,
    PermissionsModule,
    CredentialsModule,
    CredentialUseModule,
    AuditModule,
  ],
  controllers: [CredentialLeasesController, OAuthController],
  providers: [
    CredentialLeaseIssuer,
    CredentialLeaseReader,
    CredentialLeaseRevoker,
    LeaseIntrospection,
    LeaseTokenMinter,
    LeaseAllowanceSweeper,
    mandateJwtSignerProvider,
    ...upstreamLeaseStarterProviders,
  ],
})
export class CredentialLeasesModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    installIntrospectionFormBody(this.adapterHost.httpAdapter.getInstance<FastifyInstance>());
  }
}
