import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal, type Principal, RequireWorkspaceRole } from '@mandate/auth';
import { toOpenApiSchema, ZodParams } from '@mandate/http';
import { IdentityService } from '../identity/identity.service';
import { type ChannelParams, channelParams } from '../identity/identity.schemas';
import { type ChannelTimeline, ChannelTimelineService, MAX_INSTANTS } from './channel-timeline.service';

const channelTimelineDoc = toOpenApiSchema(
  z.object({
    instants: z
      .array(
        z.object({
          at: z
            .string()
            .describe('When the change was recorded: pass it as `at` to read the identity after it'),
          position: z.number().int(),
          type: z.string().describe('The event recorded, e.g. ChannelForbidAdded, AccessGranted'),
        }),
      )
      .describe(`Oldest first; the most recent ${MAX_INSTANTS} only`),
    truncated: z.boolean().describe('Older changes were left out'),
  }),
);

/**
 * Where a time control over a channel's identity stops: the instants its overrides, the baseline
 * or a JIT grant in it were recorded. Whoever may see the channel may read them (a private channel:
 * its members and workspace admins; others get 404).
 */
@ApiTags('channels')
@Controller('v1/workspaces/:workspaceId/channels/:channelId/timeline')
@RequireWorkspaceRole('member')
export class ChannelTimelineController {
  constructor(
    private readonly identity: IdentityService,
    private readonly timelines: ChannelTimelineService,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      "The instants at which the channel's identity may have changed (its overrides, the baseline, its JIT grants), for `effective-identity?at=`.",
  })
  @ApiOkResponse({ schema: channelTimelineDoc })
  async timeline(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(channelParams) { workspaceId, channelId }: ChannelParams,
  ): Promise<ChannelTimeline> {
    await this.identity.channel(principal, workspaceId, channelId);
    return this.timelines.timeline(workspaceId, channelId);
  }
}
