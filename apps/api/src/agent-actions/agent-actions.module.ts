import { Module } from '@nestjs/common';
import { ClockModule } from '../clock';
import { EventStoreModule } from '../event-store/event-store.module';
import { IdentityModule } from '../identity/identity.module';
import { PermissionsModule } from '../permissions/permissions.module';
import { AGENT_ACTION_EVALUATOR, ProjectionAgentActionEvaluator } from './agent-action-evaluator';
import { AgentActionsController } from './agent-actions.controller';
import { AgentActionsService } from './agent-actions.service';

@Module({
  imports: [EventStoreModule, ClockModule, IdentityModule, PermissionsModule],
  controllers: [AgentActionsController],
  providers: [
    AgentActionsService,
    { provide: AGENT_ACTION_EVALUATOR, useClass: ProjectionAgentActionEvaluator },
  ],
})
export class AgentActionsModule {}
