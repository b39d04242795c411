import { Module } from '@nestjs/common';
import { WORKSPACE_ROLE_RESOLVER } from '@mandate/auth';
import { ClockModule } from '../clock';
import { CredentialsModule } from '../credentials/credentials.module';
import { GithubInvokerRightSource, INVOKER_RIGHT_SOURCE } from '../overlays/invoker-right.source';
import { InvokerRightsResolver } from '../overlays/invoker-rights.resolver';
import { CredentialUseModule } from '../credential-use/credential-use.module';
import { EventStoreModule } from '../event-store/event-store.module';
import { ChannelChecksController } from './channel-checks.controller';
import { EGRESS_CHECK_LIMIT, EgressCheckLimiter } from './egress-check.limiter';
import { RATE_COUNTERS, type RateCounters } from '../core/rate-counters';
import { EgressDenialRecorder } from './egress-denial.recorder';
import { EffectiveIdentityReader } from './effective-identity.reader';
import { PermissionChecksService } from './permission-checks.service';
import { ProjectionRoleResolver } from './projection-role-resolver';
import { ProjectionService } from '../core/projection.service';

/**
 * The read side: the effective-permission projection, the checks (`/v1/check` itself is served
 * by `check.routes.ts`, beside Nest), `effective-identity` with the channel's live leases (from
 * `CredentialUseModule`, below the lease module), and workspace membership for the authorization guard
 * (`WORKSPACE_ROLE_RESOLVER`).
 */
@Module({
  imports: [EventStoreModule, ClockModule, CredentialUseModule, CredentialsModule],
  controllers: [ChannelChecksController],
  providers: [
    ProjectionService,
    PermissionChecksService,
    EffectiveIdentityReader,
    EgressDenialRecorder,
    {
      provide: EgressCheckLimiter,
      inject: [RATE_COUNTERS],
      useFactory: (counters: RateCounters) => new EgressCheckLimiter(EGRESS_CHECK_LIMIT, counters),
    },
    { provide: WORKSPACE_ROLE_RESOLVER, useClass: ProjectionRoleResolver },
    InvokerRightsResolver,
    { provide: INVOKER_RIGHT_SOURCE, useClass: GithubInvokerRightSource },
  ],
  exports: [ProjectionService, WORKSPACE_ROLE_RESOLVER, InvokerRightsResolver],
})
export class PermissionsModule {}
