import { Controller, Headers, type MessageEvent, Req, Sse } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { z } from 'zod';
import { CurrentPrincipal, type Principal, RequireScope, RequireWorkspaceRole } from '@mandate/auth';
import { identifierSchema } from '@mandate/domain';
import { ZodParams, ZodQuery, ZodValidationPipe } from '@mandate/http';
import { MAX_STREAM_SECONDS, tokenExpiresAtMs } from '../core/event-streams';
import { CHECK_SCOPE } from '../permissions/check-audience.policy';
import { WatchStreams } from './watch-streams.service';

const watchParams = z.strictObject({ workspaceId: identifierSchema });
type WatchParams = z.infer<typeof watchParams>;

const position = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const watchQuery = z.strictObject({
  /** Resume after this log position (what the last event's id said); absent: from now. */
  after: position.optional(),
  timeoutSeconds: z.coerce.number().int().min(0).max(MAX_STREAM_SECONDS).default(MAX_STREAM_SECONDS),
  heartbeatSeconds: z.coerce.number().int().min(1).max(60).default(15),
});
type WatchQuery = z.infer<typeof watchQuery>;
/**
 * An EventSource sends the last id it received when it reconnects; it wins over `after`. Named in
 * the operation's summary rather than as a header parameter: clients send other headers freely.
 */
const lastEventId = new ZodValidationPipe(z.object({ 'last-event-id': position.optional() }), 'query');

const WATCH_DOC = [
  'Server-Sent Events of the workspace’s permission-relevant changes, as the projection applies them:',
  '`change` (a PermissionChange: kind workspace | channel | grant-started | grant-extended | grant-ended, with',
  'its position as the event id; a grant’s expiry is told at expiresAt, cause `expiresAt`), `ready` ({position})',
  'once live, `heartbeat` ({position}: every change up to it was sent), `end` ({reason: timeout | token-expired |',
  'access-ended | slow-consumer | resume-too-old}). Resume with `after` or `Last-Event-ID`: the changes after that',
  'position are replayed from the log, then live; none lost, none repeated. Who may watch: a service with',
  '`permissions:check` bound to the workspace (every channel), or a member (the channels it may check). At most',
  'five open streams per principal (429 `too-many-streams`).',
].join(' ');

const SSE_EVENT_SCHEMA = {
  type: 'object',
  required: ['event', 'data'],
  properties: {
    event: { type: 'string', enum: ['ready', 'change', 'heartbeat', 'end'] },
    data: {
      type: 'string',
      description: 'JSON: {position} (ready, heartbeat), a PermissionChange (change), {reason} (end)',
    },
    id: { type: 'string', description: 'The log position, to resume from' },
    retry: { type: 'integer', minimum: 0 },
  },
};

/** The watch stream services keep their decision caches correct with. */
@ApiTags('permissions')
@Controller('v1/workspaces/:workspaceId/watch')
@RequireWorkspaceRole('member')
@RequireScope(CHECK_SCOPE)
export class WatchController {
  constructor(private readonly watch: WatchStreams) {}

  @Sse()
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'An event stream (`change`…, `ready`, then `change` and `heartbeat` live, then `end`).',
    content: { 'text/event-stream': { schema: SSE_EVENT_SCHEMA } },
  })
  @ApiOperation({ summary: WATCH_DOC })
  stream(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(watchParams) { workspaceId }: WatchParams,
    @ZodQuery(watchQuery) { after, timeoutSeconds, heartbeatSeconds }: WatchQuery,
    @Headers('last-event-id') resumeHeader: string | undefined,
    @Headers('authorization') authorization: string,
    @Req() request: FastifyRequest,
  ): Observable<MessageEvent> {
    const resumed = lastEventId.transform({ 'last-event-id': resumeHeader })['last-event-id'];
    return this.watch.stream(
      principal,
      workspaceId,
      {
        after: resumed ?? after,
        timeoutSeconds,
        heartbeatSeconds,
        tokenExpiresAtMs: tokenExpiresAtMs(authorization),
      },
      request.raw.socket,
    );
  }
}
