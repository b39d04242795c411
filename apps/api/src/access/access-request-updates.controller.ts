import { Controller, Headers, type MessageEvent, Sse } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { z } from 'zod';
import { CurrentPrincipal, type Principal, RequireWorkspaceRole } from '@mandate/auth';
import { identifierSchema } from '@mandate/domain';
import { ZodParams, ZodQuery } from '@mandate/http';
import { tokenExpiresAtMs } from '../core/event-streams';
import { AccessRequestUpdates, MAX_STREAM_SECONDS } from './access-request-updates';

const updatesParams = z.strictObject({ workspaceId: identifierSchema });
type UpdatesParams = z.infer<typeof updatesParams>;

const updatesQuery = z.strictObject({
  /** Seconds until the server ends the stream (as Kubernetes' `watch` does); 0 sends `ready` and ends. */
  timeoutSeconds: z.coerce.number().int().min(0).max(MAX_STREAM_SECONDS).default(MAX_STREAM_SECONDS),
});
type UpdatesQuery = z.infer<typeof updatesQuery>;

const STREAM_DOC = [
  'Server-Sent Events about the workspace’s access requests the caller may see: `ready` ({position}) once',
  'listening; `changed` ({requestIds, position}) after the inbox view applied a change (read the lists',
  'again, e.g. with `approvable=true`); `end` ({reason: timeout | token-expired | access-ended}) before',
  'the server closes the stream. At most five open streams per principal (429 `too-many-streams`).',
].join(' ');

/** One event of the stream, as a client's parser reads it; `data` is JSON. */
const SSE_EVENT_SCHEMA = {
  type: 'object',
  required: ['event', 'data'],
  properties: {
    event: { type: 'string', enum: ['ready', 'changed', 'end'] },
    data: {
      type: 'string',
      description: 'JSON: {position} (ready), {requestIds, position} (changed), {reason} (end)',
    },
    id: { type: 'string' },
    retry: { type: 'integer', minimum: 0 },
  },
};

/** Live updates for the approver inbox (the console listens to them). */
@ApiTags('access')
@Controller('v1/workspaces/:workspaceId/access-request-updates')
@RequireWorkspaceRole('member')
export class AccessRequestUpdatesController {
  constructor(private readonly updates: AccessRequestUpdates) {}

  @Sse()
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'An event stream (`ready`, then `changed` as requests change, then `end`).',
    content: { 'text/event-stream': { schema: SSE_EVENT_SCHEMA } },
  })
  @ApiOperation({ summary: STREAM_DOC })
  stream(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(updatesParams) { workspaceId }: UpdatesParams,
    @ZodQuery(updatesQuery) { timeoutSeconds }: UpdatesQuery,
    @Headers('authorization') authorization: string,
  ): Observable<MessageEvent> {
    return this.updates.stream(principal, workspaceId, {
      timeoutSeconds,
      tokenExpiresAtMs: tokenExpiresAtMs(authorization),
    });
  }
}
