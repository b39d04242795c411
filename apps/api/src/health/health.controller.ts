import { Controller, Get, Headers, Inject, Res, type OnApplicationShutdown } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { BearerAuthenticator, isPlatformAdmin, PLATFORM_ADMINS, Public } from '@mandate/auth';
import { ReadinessRegistry, type ReadinessReport } from '@mandate/observability';

/** What anyone may see: whether the API and each dependency are up, nothing about where or how far. */
export type ReadinessSummary = Pick<ReadinessReport, 'status'> & {
  checks: Record<string, Pick<ReadinessReport['checks'][string], 'state'>>;
};

@ApiTags('operations')
@Controller()
export class HealthController implements OnApplicationShutdown {
  constructor(
    private readonly readiness: ReadinessRegistry,
    private readonly authenticator: BearerAuthenticator,
    @Inject(PLATFORM_ADMINS) private readonly platformAdmins: ReadonlySet<string>,
  ) {}

  @Public()
  @Get('healthz')
  @ApiOperation({ summary: 'Liveness: the process is up and serving HTTP.' })
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Public()
  @Get('readyz')
  @ApiOperation({
    summary:
      "Readiness: every dependency is reachable (503 naming the one that is not). Each check's details (addresses, log position) only for a platform admin's token.",
  })
  async readyz(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReadinessReport | ReadinessSummary> {
    const report = await this.readiness.report();
    reply.status(report.status === 'ready' ? 200 : 503);
    return (await this.showsDetails(authorization)) ? report : summaryOf(report);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.readiness.close();
  }

  /** Probes send no token: a missing or refused one simply gets the summary, never a 401. */
  private async showsDetails(authorization: string | undefined): Promise<boolean> {
    if (authorization === undefined) return false;
    try {
      return isPlatformAdmin(this.platformAdmins, await this.authenticator.authenticate(authorization));
    } catch {
      return false;
    }
  }
}

const summaryOf = (report: ReadinessReport): ReadinessSummary => ({
  status: report.status,
  checks: Object.fromEntries(Object.entries(report.checks).map(([name, { state }]) => [name, { state }])),
});
