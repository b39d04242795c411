import { Module } from '@nestjs/common';
import { ClockModule } from '../clock';
import { EventStoreModule } from '../event-store/event-store.module';
import { IdentityModule } from '../identity/identity.module';
import { PermissionsModule } from '../permissions/permissions.module';
import { AccessRequestCommands } from './access-request.commands';
import { AccessRequestLimits } from './access-request.limits';
import { AccessRequestQueries } from './access-request.queries';
import { AccessRequestsController } from './access-requests.controller';
import { AccessRequestsView } from './access-requests.view';
import { AccessRequestUpdates } from './access-request-updates';
import { AccessRequestUpdatesController } from './access-request-updates.controller';
import { ApprovalPolicyController } from './approval-policy.controller';
import { JitCommandSigner } from './jit-command-signer';
import { JitWorkflowRunner } from './jit-workflow.runner';
import { KillSwitchReactor } from './kill-switch.reactor';
import { TemporalClientCloser, temporalClientProvider } from './temporal-client.provider';

/** JIT access: requests and their workflows (through a Temporal client), the approval policy. */
@Module({
  imports: [EventStoreModule, ClockModule, PermissionsModule, IdentityModule],
  controllers: [AccessRequestsController, AccessRequestUpdatesController, ApprovalPolicyController],
  providers: [
    temporalClientProvider,
    TemporalClientCloser,
    JitCommandSigner,
    AccessRequestLimits,
    JitWorkflowRunner,
    AccessRequestCommands,
    AccessRequestQueries,
    AccessRequestsView,
    KillSwitchReactor,
    AccessRequestUpdates,
  ],
  // The grants list reads the same view rather than following the log a second time.
  exports: [AccessRequestsView],
})
export class AccessModule {}
