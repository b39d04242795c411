import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@mandate/auth';
import { ZodBody } from '@mandate/http';
import { type CheckAnswer, PermissionChecksService } from './permission-checks.service';
import {
  type BatchCheckRequest,
  batchCheckRequestSchema,
  type CheckRequest,
  checkRequestSchema,
} from './permissions.schemas';
import { batchAnswerDoc, checkAnswerDoc } from './permissions.responses';

/** Services with the `permissions:check` scope, and workspace admins/owners (checked per workspace). */
@ApiTags('permissions')
@Controller('v1/check')
export class CheckController {
  constructor(private readonly checks: PermissionChecksService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'May the agent in a channel do an action on a resource, now or at a past instant — and why?',
  })
  @ApiOkResponse({ schema: checkAnswerDoc })
  check(
    @CurrentPrincipal() principal: Principal,
    @ZodBody(checkRequestSchema) body: CheckRequest,
  ): CheckAnswer | Promise<CheckAnswer> {
    return this.checks.check(principal, body);
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Up to 1,000 checks in one request; results in request order.' })
  @ApiOkResponse({ schema: batchAnswerDoc })
  batch(
    @CurrentPrincipal() principal: Principal,
    @ZodBody(batchCheckRequestSchema) body: BatchCheckRequest,
  ): { results: CheckAnswer[] } | Promise<{ results: CheckAnswer[] }> {
    const results = this.checks.batch(principal, body.checks);
    return Array.isArray(results) ? { results } : results.then((answers) => ({ results: answers }));
  }
}
