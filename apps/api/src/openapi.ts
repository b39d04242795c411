import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { PUBLIC_OPERATION_EXTENSION } from '@mandate/auth';

const BEARER = 'bearer';

/** The OpenAPI document: bearer auth by default; `@Public()` operations say they need none. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
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
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path) as Array<Record<string, unknown>>) {
      if (operation && typeof operation === 'object' && operation[PUBLIC_OPERATION_EXTENSION]) {
        operation.security = [];
        delete operation[PUBLIC_OPERATION_EXTENSION];
      }
    }
  }
  return document;
}

/** Serves `/openapi.json` and the Swagger UI at `/docs`. */
export function setupOpenApi(app: INestApplication): OpenAPIObject {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    customSiteTitle: 'Mandate API',
  });
  return document;
}
