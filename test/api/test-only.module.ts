import { Controller, Get, Inject, Module, Post } from '@nestjs/common';
import { z } from 'zod';
import { RequirePlatformAdmin, RequireScope, RequireWorkspaceRole } from '@mandate/auth';
import { ZodBody, ZodParams, ZodQuery } from '@mandate/http';
import type { Logger } from '@mandate/observability';
import { LOGGER } from '../../apps/api/src/app.module';

export const widgetParams = z.strictObject({ workspaceId: z.string().regex(/^ws-[a-z0-9-]+$/) });
export const widgetBody = z.strictObject({
  name: z.string().min(1).max(40),
  ttlSeconds: z.number().int().positive(),
  labels: z.array(z.string().min(1)).max(5).optional(),
});
const itemParams = z.strictObject({ itemId: z.uuid() });
const listQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).optional() });

/** Routes that exist only in tests, to exercise validation, guards and error handling end to end. */
@Controller('test')
class TestOnlyController {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  @Post('workspaces/:workspaceId/widgets')
  @RequireWorkspaceRole('admin')
  create(
    @ZodParams(widgetParams) params: z.infer<typeof widgetParams>,
    @ZodBody(widgetBody) body: z.infer<typeof widgetBody>,
  ) {
    this.logger.info({ workspaceId: params.workspaceId }, 'widget created');
    return { workspaceId: params.workspaceId, ...body };
  }

  @Get('workspaces/:workspaceId/widgets')
  @RequireWorkspaceRole('approver')
  list(
    @ZodParams(widgetParams) params: z.infer<typeof widgetParams>,
    @ZodQuery(listQuery) query: z.infer<typeof listQuery>,
  ) {
    return { workspaceId: params.workspaceId, limit: query.limit ?? 10, items: [] };
  }

  @Get('items/:itemId')
  item(@ZodParams(itemParams) params: z.infer<typeof itemParams>) {
    return params;
  }

  @Get('check')
  @RequireScope('check')
  check() {
    return { allowed: true };
  }

  @Post('workspaces')
  @RequirePlatformAdmin()
  createWorkspace() {
    return { created: true };
  }

  @Get('boom')
  boom(): never {
    throw new TypeError('db password hunter2 leaked in message');
  }
}

@Module({ controllers: [TestOnlyController] })
export class TestOnlyModule {}
