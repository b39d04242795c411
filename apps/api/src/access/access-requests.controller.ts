import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScope, RequireWorkspaceRole } from '@mandate/auth';
import { ZodBody, ZodParams, ZodQuery } from '@mandate/http';
import {
  type CreateAccessRequestBody,
  createAccessRequestBody,
  type DecisionBody,
  decisionBody,
  type ExtendBody,
  extendBody,
  type ListAccessRequestsQuery,
  listAccessRequestsQuery,
  type RequestParams,
  requestParams,
  type ReviewBody,
  reviewBody,
  type RevokeBody,
  revokeBody,
  type WorkspaceParams,
  workspaceParams,
} from './access.schemas';
import { detailDoc, inboxDoc, stepAnswerDoc } from './access.responses';
import { AccessRequestCommands, type AccessStepAnswer } from './access-request.commands';
import {
  type AccessRequestDetail,
  AccessRequestQueries,
  type AccessRequestSummary,
} from './access-request.queries';

/** Scope of a service (the agent runtime) that requests access for the agent. */
export const ACCESS_REQUEST_SCOPE = 'access:request';

/**
 * JIT access requests. Members may call every route; who may decide is the workflow's (and the
 * policy's) business, so a refusal comes back with its stable code (403 `not-an-approver`,
 * `self-approval-forbidden`; 409 `duplicate-vote`, `request-closed`; 422 `duration-over-max` …).
 */
@ApiTags('access')
@Controller('v1/workspaces/:workspaceId/access-requests')
@RequireWorkspaceRole('member')
export class AccessRequestsController {
  constructor(
    private readonly access: AccessRequestCommands,
    private readonly queries: AccessRequestQueries,
  ) {}

  @Post()
  @RequireScope(ACCESS_REQUEST_SCOPE)
  @ApiCreatedResponse({ schema: stepAnswerDoc })
  @ApiOperation({
    summary:
      'Request time-bound access for the agent. Validated against the approval policy and the effective identity first; an overlapping request for what is already granted extends that grant.',
  })
  create(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
    @ZodBody(createAccessRequestBody) body: CreateAccessRequestBody,
  ): Promise<AccessStepAnswer> {
    return this.access.request(principal, workspaceId, body);
  }

  @Get()
  @ApiOkResponse({ schema: inboxDoc })
  @ApiOperation({
    summary:
      'Access requests of the workspace, oldest first, a page at a time (`limit`, then `after` = the previous page’s `next`); `approvable=true` is the approver inbox: exactly the requests the caller may decide, with what would change and the time left.',
  })
  list(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
    @ZodQuery(listAccessRequestsQuery) query: ListAccessRequestsQuery,
  ): Promise<{ items: AccessRequestSummary[]; next?: string }> {
    return this.queries.list(principal, workspaceId, query);
  }

  @Get(':requestId')
  @ApiOkResponse({ schema: detailDoc })
  @ApiOperation({ summary: 'Status of one request and the full timeline of its events.' })
  get(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(requestParams) { workspaceId, requestId }: RequestParams,
  ): Promise<AccessRequestDetail> {
    return this.queries.detail(principal, workspaceId, requestId);
  }

  @Post(':requestId/approve')
  @HttpCode(200)
  @ApiOkResponse({ schema: stepAnswerDoc })
  @ApiOperation({
    summary:
      'Approve (or approve an extension). At quorum the grant is active; `position` is its event, for `minPosition`.',
  })
  approve(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(requestParams) { workspaceId, requestId }: RequestParams,
    @ZodBody(decisionBody) body: DecisionBody,
  ): Promise<AccessStepAnswer> {
    return this.access.approve(principal, workspaceId, requestId, body);
  }

  @Post(':requestId/deny')
  @HttpCode(200)
  @ApiOkResponse({ schema: stepAnswerDoc })
  @ApiOperation({ summary: 'Deny the request (or its pending extension).' })
  deny(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(requestParams) { workspaceId, requestId }: RequestParams,
    @ZodBody(decisionBody) body: DecisionBody,
  ): Promise<AccessStepAnswer> {
    return this.access.deny(principal, workspaceId, requestId, body);
  }

  @Post(':requestId/cancel')
  @HttpCode(200)
  @ApiOkResponse({ schema: stepAnswerDoc })
  @ApiOperation({ summary: 'The requester withdraws a pending request.' })
  cancel(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(requestParams) { workspaceId, requestId }: RequestParams,
    @ZodBody(decisionBody) body: DecisionBody,
  ): Promise<AccessStepAnswer> {
    return this.access.cancel(principal, workspaceId, requestId, body);
  }

  @Post(':requestId/revoke')
  @HttpCode(200)
  @ApiOkResponse({ schema: stepAnswerDoc })
  @ApiOperation({ summary: 'An approver of the request or an admin ends an active grant now.' })
  revoke(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(requestParams) { workspaceId, requestId }: RequestParams,
    @ZodBody(revokeBody) body: RevokeBody,
  ): Promise<AccessStepAnswer> {
    return this.access.revoke(principal, workspaceId, requestId, body);
  }

  @Post(':requestId/extend')
  @HttpCode(200)
  @ApiOkResponse({ schema: stepAnswerDoc })
  @ApiOperation({
    summary:
      'Ask to extend an active grant: a new approval round under the same policy (or its auto-approve rule).',
  })
  extend(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(requestParams) { workspaceId, requestId }: RequestParams,
    @ZodBody(extendBody) body: ExtendBody,
  ): Promise<AccessStepAnswer> {
    return this.access.extend(principal, workspaceId, requestId, body);
  }

  @Post(':requestId/review')
  @HttpCode(200)
  @ApiOkResponse({ schema: stepAnswerDoc })
  @ApiOperation({
    summary: 'Post-hoc review of a break-glass use, by an approver or admin other than its user.',
  })
  review(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(requestParams) { workspaceId, requestId }: RequestParams,
    @ZodBody(reviewBody) body: ReviewBody,
  ): Promise<AccessStepAnswer> {
    return this.access.review(principal, workspaceId, requestId, body);
  }
}
