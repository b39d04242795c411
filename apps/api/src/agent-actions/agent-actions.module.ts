import { Module } from '@nestjs/common';
import { ClockModule } from '../clock';
import { EventStoreModule } from '../event-store/event-store.module';
import { IdentityModule } from '../identity/identity.module';
import { AGENT_ACTION_EVALUATOR, StreamFoldingEvaluator } from './agent-action-evaluator';
import { AgentActionsController } from './agent-actions.controller';
import { AgentActionsService } from './agent-actions.service';

@Module({
  imports: [EventStoreModule, ClockModule, IdentityModule],
  controllers: [AgentActionsController],
  providers: [AgentActionsService, { provide: AGENT_ACTION_EVALUATOR, useClass: StreamFoldingEvaluator }],
})
export class AgentActionsModule {}
