import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { HttpMetrics } from '@mandate/observability';
import { Public } from '@mandate/auth';

export const HTTP_METRICS = Symbol('HttpMetrics');

@Controller()
export class MetricsController {
  constructor(@Inject(HTTP_METRICS) private readonly metrics: HttpMetrics) {}

  @Public()
  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
