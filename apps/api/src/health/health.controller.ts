import { Controller, Get, Res, type OnApplicationShutdown } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@mandate/auth';
import { ReadinessRegistry, type ReadinessReport } from '@mandate/observability';

@ApiTags('operations')
@Controller()
export class HealthController implements OnApplicationShutdown {
  constructor(private readonly readiness: ReadinessRegistry) {}

  @Public()
  @Get('healthz')
  @ApiOperation({ summary: 'Liveness: the process is up and serving HTTP.' })
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Public()
  @Get('readyz')
  @ApiOperation({ summary: 'Readiness: every dependency is reachable (503 naming the one that is not).' })
  async readyz(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport> {
    const report = await this.readiness.report();
    reply.status(report.status === 'ready' ? 200 : 503);
    return report;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.readiness.close();
  }
}
