import { Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { CurrentPrincipal, type Principal, RequireWorkspaceRole } from '@mandate/auth';
import {
  channelExtensionSchema,
  identifierSchema,
  permissionRuleSchema,
  skillNameSchema,
} from '@mandate/domain';
import { ZodBody, ZodParams } from '@mandate/http';
import type { CommandPreview } from '../core/command-runner';
import { agentIdentityPreviewDoc } from './agent-identity.responses';
import { type ChannelChange, IdentityService } from './identity.service';
import {
  type ChannelParams,
  channelParams,
  instructionsBody,
  invokePolicyBody,
  memoryScopeBody,
  skillBody,
} from './identity.schemas';
import { etagOf, IF_MATCH_PATTERN, optionalRevision } from './if-match';

/**
 * The overrides a channel admin page changes one at a time: add or remove an extension, restriction
 * or forbid; set (or drop, `null`) the instructions or the invoke policy; switch a skill; set the
 * memory scope. Each takes the body its own route takes.
 */
const overrideChangeBody = z.strictObject({
  change: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('ExtendChannel'), rule: channelExtensionSchema }),
    z.strictObject({ type: z.literal('RestrictChannel'), rule: permissionRuleSchema }),
    z.strictObject({ type: z.literal('ForbidInChannel'), rule: permissionRuleSchema }),
    z.strictObject({ type: z.literal('RemoveChannelExtension'), ruleId: identifierSchema }),
    z.strictObject({ type: z.literal('RemoveChannelRestriction'), ruleId: identifierSchema }),
    z.strictObject({ type: z.literal('RemoveChannelForbid'), ruleId: identifierSchema }),
    z.strictObject({ type: z.literal('SetChannelInstructions'), instructions: instructionsBody.nullable() }),
    z.strictObject({ type: z.literal('SetChannelSkill'), skill: skillNameSchema, ...skillBody.shape }),
    z.strictObject({ type: z.literal('SetChannelMemoryScope'), ...memoryScopeBody.shape }),
    z.strictObject({ type: z.literal('SetChannelInvokePolicy'), policy: invokePolicyBody.nullable() }),
  ]),
});
type OverrideChangeBody = z.infer<typeof overrideChangeBody>;

/**
 * Dry run of a channel override change: the events the channel's decider would record for it, with
 * the same refusals (roles, unknown connector, a stale `If-Match`); nothing is appended.
 */
@ApiTags('channel overrides')
@Controller('v1/workspaces/:workspaceId/channels/:channelId/overrides/preview')
@RequireWorkspaceRole('member')
export class ChannelOverridePreviewController {
  constructor(private readonly identity: IdentityService) {}

  @Post()
  @HttpCode(200)
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'ETag the change would send; when given, a stale one is refused here as the change would be',
    schema: { type: 'string', pattern: IF_MATCH_PATTERN.source },
  })
  @ApiOperation({
    summary:
      'Dry run of one override change (extend, restrict, forbid or remove one; instructions, a skill, the memory scope, the invoke policy): the events it would record, decided against the channel as it is; nothing is written.',
  })
  @ApiOkResponse({ schema: agentIdentityPreviewDoc })
  async preview(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(channelParams) { workspaceId, channelId }: ChannelParams,
    @Headers('if-match') ifMatch: string | undefined,
    @ZodBody(overrideChangeBody) { change }: OverrideChangeBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandPreview> {
    const preview = await this.identity.previewChannelChange(
      principal,
      workspaceId,
      channelId,
      change as ChannelChange,
      optionalRevision(ifMatch),
    );
    void reply.header('etag', etagOf(preview.revision));
    return preview;
  }
}
