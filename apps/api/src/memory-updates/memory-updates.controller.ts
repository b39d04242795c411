import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, type Principal, RequireScope } from '@mandate/auth';
import { ZodBody, ZodParams } from '@mandate/http';
import { AGENT_ACTIONS_SCOPE } from '../agent-actions/agent-actions.controller';
import { type MemoryUpdateAnswer, MemoryUpdatesService } from './memory-updates.service';
import {
  type MemoryUpdateParams,
  memoryUpdateParams,
  recordMemoryUpdateBody,
  type RecordMemoryUpdateBody,
} from './memory-updates.schemas';

const memoryUpdateAnswerDoc = {
  type: 'object',
  required: ['allowed', 'reason', 'rule', 'updateId', 'idempotencyKey', 'position'],
  properties: {
    allowed: { type: 'boolean', enum: [true] },
    reason: { type: 'string' },
    rule: { type: 'string', description: 'The write rule that admitted it, e.g. own-namespace.' },
    updateId: { type: 'string', format: 'uuid' },
    idempotencyKey: { type: 'string' },
    position: { type: 'integer', description: 'Log position of the record.' },
  },
};

/** The runtime that records agent actions (scope `agent-actions:record`) records memory updates too. */
@ApiTags('agent actions')
@Controller('v1/workspaces/:workspaceId/channels/:channelId/memory-events')
export class MemoryUpdatesController {
  constructor(private readonly updates: MemoryUpdatesService) {}

  @Post()
  @HttpCode(200)
  @RequireScope(AGENT_ACTIONS_SCOPE)
  @ApiOperation({
    summary:
      'Record one update of the agent memory (namespace, key digest, size, operation, invoker; never the content). ' +
      'Checked by the write rules first: a refused update is recorded as denied and answered 403 memory-write-denied.',
  })
  @ApiOkResponse({ schema: memoryUpdateAnswerDoc })
  async record(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(memoryUpdateParams) { workspaceId, channelId }: MemoryUpdateParams,
    @ZodBody(recordMemoryUpdateBody) body: RecordMemoryUpdateBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MemoryUpdateAnswer> {
    const { answer, replayed } = await this.updates.record(principal, workspaceId, channelId, body);
    if (replayed) void reply.header('idempotent-replayed', 'true');
    return answer;
  }
}
