import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { PUBLIC_OPERATION_EXTENSION } from '@mandate/auth';
import { PROBLEM_CONTENT_TYPE, problemOpenApiSchema } from '@mandate/http';
import { addLinks } from './openapi-links';

const BEARER = 'bearer';
const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

const problemResponse = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
});

type Operation = Record<string, unknown> & { responses?: Record<string, unknown>; parameters?: unknown[] };

/**
 * The OpenAPI document: bearer auth by default, `@Public()` operations say they need none; every
 * operation documents its problem responses (401/403 when protected, 400 when it takes input).
 */
export function buildOpenApiDocument(
  app: INestApplication,
  fastifyRoutes: OpenAPIObject['paths'] = {},
): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Mandate API')
    .setDescription(
      'An AI agent’s own identity: workspace baseline, channel overrides, JIT grants, audit. ' +
        'Errors are RFC 7807 problem+json with a stable `code`.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER)
    .addSecurityRequirements(BEARER)
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // Routes served by Fastify directly (the hot path) are invisible to Nest's scan.
  document.paths = { ...document.paths, ...fastifyRoutes };
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, Problem: problemOpenApiSchema as never },
  };
  for (const path of Object.values(document.paths)) {
    for (const [method, value] of Object.entries(path)) {
      if (!HTTP_METHODS.has(method)) continue;
      const operation = value as Operation;
      const isPublic = operation[PUBLIC_OPERATION_EXTENSION] === true;
      delete operation[PUBLIC_OPERATION_EXTENSION];
      const responses: Record<string, unknown> = { ...operation.responses };
      if (isPublic) operation.security = [];
      else {
        responses['401'] = problemResponse('Missing or invalid bearer token.');
        responses['403'] = problemResponse('No access rule of this route admits the caller.');
      }
      if (operation.requestBody || (operation.parameters?.length ?? 0) > 0) {
        responses['400'] = problemResponse(
          'The request does not match the schema; `errors` names each field.',
        );
      }
      responses.default = problemResponse('Any other refusal or failure.');
      operation.responses = responses;
    }
  }
  addLinks(document);
  return document;
}

/**
 * Serves `/openapi.json` and the Swagger UI at `/docs`. The document is built on the first request
 * that needs it, not at start: scanning every controller's metadata is start-up time nothing
 * before that request uses (docs/deployment.md).
 */
export function setupOpenApi(app: INestApplication, fastifyRoutes?: OpenAPIObject['paths']): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app, fastifyRoutes), {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    customSiteTitle: 'Mandate API',
  });
}
