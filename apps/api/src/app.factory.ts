import type { ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '@mandate/config';
import {
  BearerAuthenticator,
  CachingTokenVerifier,
  createTokenVerifier,
  type TokenVerifier,
  type WorkspaceRoleResolver,
} from '@mandate/auth';
import type { EventStore } from '@mandate/event-store';
import { ProblemFilter, sendProblem } from '@mandate/http';
import { kafkaSecurity } from '@mandate/kafka';
import {
  createHttpMetrics,
  createLogger,
  installedTracing,
  installHttpTracing,
  PinoNestLogger,
  ReadinessRegistry,
  type Logger,
  type ReadinessCheck,
} from '@mandate/observability';
import { temporalConnectionOptions } from '@mandate/temporal';
import { AppModule } from './app.module';
import { registerAuthzen } from './authzen/authzen.setup';
import { authzenRoutesOpenApi } from './authzen/authzen.routes';
import { ConsoleModule } from './console/console.module';
import { registerConsole } from './console/console.static';
import { consoleSignIn, issuerOrigin } from './console/console-sign-in';
import { EventStoreReadinessCheck } from './health/event-store.readiness-check';
import { KafkaReadinessCheck } from './health/kafka.readiness-check';
import { TemporalReadinessCheck } from './health/temporal.readiness-check';
import { installMethodNotAllowed } from './http/method-not-allowed';
import { installRequestHooks, requestIdFor } from './http/request-hooks';
import { KafkaModule } from './kafka/kafka.module';
import { setupOpenApi } from './openapi';
import { checkRoutesOpenApi, registerCheckRoutes } from './permissions/check.routes';
import { PermissionChecksService } from './permissions/permission-checks.service';

export interface ApiAppOverrides {
  logger?: Logger;
  verifier?: TokenVerifier;
  roleResolver?: WorkspaceRoleResolver;
  /** Probed by `/readyz` instead of the default data-directory check. */
  eventStore?: Pick<EventStore, 'headPosition'>;
  /** Added to (or, by name, replacing) the default readiness checks. */
  readinessChecks?: ReadinessCheck[];
  imports?: ModuleMetadata['imports'];
  /** Where the built web console is (default: apps/console/dist). */
  consoleDir?: string;
}

export const READINESS_TIMEOUT_MS = 2_000;

/**
 * The router refuses longer path parameters (414) before any route runs. The longest valid one is
 * a principal id: 200 characters, each up to 9 once percent-encoded (a 3-byte UTF-8 character).
 */
export const MAX_PATH_PARAM_LENGTH = 2_048;

/**
 * Builds the API, initialised but not listening: `main.ts` listens, tests call `app.inject()`,
 * benchmarks listen on a random port. Everything the process needs comes from `config`.
 */
export async function createApiApp(
  config: AppConfig,
  overrides: ApiAppOverrides = {},
): Promise<NestFastifyApplication> {
  const logger = overrides.logger ?? createLogger({ level: config.LOG_LEVEL });
  // Services present the same token with every check: verify its signature once, not per request.
  const verifier =
    overrides.verifier ??
    new CachingTokenVerifier(
      await createTokenVerifier(config, (path) =>
        logger.warn(
          { path },
          'AUTH_MODE=dev: generated a local token signing key; tokens it signs are for development only',
        ),
      ),
    );
  if (config.AUTH_MODE === 'dev') {
    logger.warn('AUTH_MODE=dev: tokens are signed by a local key file; use AUTH_MODE=jwks in production');
  }
  const metrics = config.METRICS_ENABLED ? createHttpMetrics() : undefined;
  const readiness = defaultReadiness(config, overrides);

  const adapter = new FastifyAdapter({
    logger: false,
    bodyLimit: config.API_BODY_LIMIT_BYTES,
    genReqId: requestIdFor,
    return503OnClosing: true,
    routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
    // What the router answers itself (an undecodable path, an over-long parameter) is a problem too.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) =>
      sendProblem(logger, error, request, reply),
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({
      config,
      logger,
      verifier,
      readiness,
      metrics,
      roleResolver: overrides.roleResolver,
      imports: [KafkaModule, ConsoleModule, ...(overrides.imports ?? [])],
    }),
    adapter,
    // JSON only: Nest's own parsers (JSON + urlencoded) are off; Fastify's JSON parser stays.
    { logger: new PinoNestLogger(logger), bodyParser: false },
  );
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser('text/plain');
  const tracing = installedTracing();
  if (tracing) {
    // First, so the request's span is active in every later hook, route and client call.
    installHttpTracing(fastify);
    fastify.addHook('onClose', async () => tracing.flush());
  }
  installRequestHooks(fastify, logger, metrics);
  installMethodNotAllowed(fastify);
  app.useGlobalFilters(new ProblemFilter(logger));
  app.enableShutdownHooks();
  setupOpenApi(app, { ...checkRoutesOpenApi, ...authzenRoutesOpenApi });
  await app.init();
  // After init: Nest has installed Fastify's error handler (the ProblemFilter) these routes use.
  registerCheckRoutes(fastify, {
    authenticator: app.get(BearerAuthenticator),
    checks: app.get(PermissionChecksService),
  });
  registerAuthzen(app, fastify, config);
  registerConsole(fastify, overrides.consoleDir, issuerOrigin(consoleSignIn(config)));
  return app;
}

function defaultReadiness(config: AppConfig, overrides: ApiAppOverrides): ReadinessRegistry {
  const registry = new ReadinessRegistry(READINESS_TIMEOUT_MS);
  registry.register(
    new EventStoreReadinessCheck(
      overrides.eventStore ? { store: overrides.eventStore } : { dataDir: config.DATA_DIR },
    ),
  );
  registry.register(new TemporalReadinessCheck(temporalConnectionOptions(config), READINESS_TIMEOUT_MS));
  if (config.KAFKA_BROKERS) {
    registry.register(
      new KafkaReadinessCheck(
        config.KAFKA_BROKERS,
        config.KAFKA_CLIENT_ID,
        READINESS_TIMEOUT_MS,
        kafkaSecurity(config),
      ),
    );
  }
  for (const check of overrides.readinessChecks ?? []) registry.register(check);
  return registry;
}
