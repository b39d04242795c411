import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { BearerAuthenticator } from '@mandate/auth';
import type { AppConfig } from '@mandate/config';
import type { EventStore } from '@mandate/event-store';
import { CLOCK, type Clock } from '../clock';
import { ProjectionService } from '../core/projection.service';
import { EVENT_STORE } from '../event-store/event-store.module';
import { PermissionChecksService } from '../permissions/permission-checks.service';
import { AccessRequestHints } from './access-request.hint';
import { AuthzenEvaluator } from './authzen.evaluator';
import { registerAuthzenRoutes } from './authzen.routes';

/** The AuthZEN routes over the app's own checks, registered once Nest has installed the error handler. */
export function registerAuthzen(app: INestApplication, fastify: FastifyInstance, config: AppConfig): void {
  const hints = new AccessRequestHints(
    app.get<EventStore>(EVENT_STORE),
    app.get(ProjectionService).projection,
  );
  const evaluator = new AuthzenEvaluator(app.get(PermissionChecksService), hints, app.get<Clock>(CLOCK));
  registerAuthzenRoutes(fastify, {
    authenticator: app.get(BearerAuthenticator),
    evaluator,
    publicUrl: config.API_PUBLIC_URL,
  });
}
