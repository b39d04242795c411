import { Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, type Principal, RequireScope, RequireWorkspaceRole } from '@mandate/auth';
import { ZodBody, ZodParams } from '@mandate/http';
import type { CommandOutcome } from '../core/command-runner';
import { type AgentActionAnswer, AgentActionsService, type AgentActionView } from './agent-actions.service';
import {
  agentActionOutcomeBody,
  type AgentActionOutcomeBody,
  type AgentActionParams,
  agentActionParams,
  type AgentActionsParams,
  agentActionsParams,
  recordAgentActionBody,
  type RecordAgentActionBody,
} from './agent-actions.schemas';

export const AGENT_ACTIONS_SCOPE = 'agent-actions:record';

/** Services that run the agent (scope `agent-actions:record`) record what it does. */
@ApiTags('agent actions')
@Controller('v1/workspaces/:workspaceId/agent-actions')
export class AgentActionsController {
  constructor(private readonly actions: AgentActionsService) {}

  @Post()
  @HttpCode(200)
  @RequireScope(AGENT_ACTIONS_SCOPE)
  @ApiOperation({
    summary: 'Evaluate an action the agent is about to take and record the decision with its provenance.',
  })
  async record(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(agentActionsParams) { workspaceId }: AgentActionsParams,
    @ZodBody(recordAgentActionBody) body: RecordAgentActionBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AgentActionAnswer> {
    const { answer, replayed } = await this.actions.record(principal, workspaceId, body);
    if (replayed) void reply.header('idempotent-replayed', 'true');
    return answer;
  }

  @Post(':idempotencyKey/outcome')
  @HttpCode(200)
  @RequireScope(AGENT_ACTIONS_SCOPE)
  @ApiOperation({ summary: 'Record how an authorized action ended (completed or failed), once.' })
  outcome(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(agentActionParams) { workspaceId, idempotencyKey }: AgentActionParams,
    @ZodBody(agentActionOutcomeBody) body: AgentActionOutcomeBody,
  ): Promise<CommandOutcome> {
    return this.actions.recordOutcome(principal, workspaceId, idempotencyKey, body);
  }

  @Get(':idempotencyKey')
  @RequireScope(AGENT_ACTIONS_SCOPE)
  @RequireWorkspaceRole('auditor')
  @ApiOperation({ summary: 'The recorded action: request, decision with provenance, outcome.' })
  get(
    @ZodParams(agentActionParams) { workspaceId, idempotencyKey }: AgentActionParams,
  ): Promise<AgentActionView> {
    return this.actions.action(workspaceId, idempotencyKey);
  }
}
