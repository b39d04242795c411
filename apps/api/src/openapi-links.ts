import type { OpenAPIObject } from '@nestjs/swagger';

type Json = Record<string, unknown>;
interface Operation {
  method: string;
  path: string;
  operation: Json & { operationId?: string; responses?: Record<string, Json> };
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch']);

/**
 * Request body fields that carry an id under another name in the paths that address it: a rule is
 * created as `{rule: {id}}` and removed at `…/{ruleId}`.
 */
const NESTED_IDS: Record<string, string> = { ruleId: '/rule/id' };

/**
 * OpenAPI links from each write to the operations on what it wrote: every operation under the
 * write's path whose path parameters all come from the write (its own path parameters, its body's
 * fields, its answer's fields). Ids are chosen by clients here, so most come from the request:
 * `POST /v1/workspaces {workspaceId}` links to every `/v1/workspaces/{workspaceId}/…` operation,
 * `POST …/channels {channelId}` to the channel's, `POST …/access-requests` (answer `requestId`) to
 * the request's. Clients and stateful API testers follow them to reach real resources.
 */
export function addLinks(document: OpenAPIObject): void {
  const operations = operationsOf(document);
  for (const source of operations) {
    if (!['post', 'put'].includes(source.method)) continue;
    const [status, response] =
      Object.entries(source.operation.responses ?? {}).find(([code]) => code.startsWith('2')) ?? [];
    if (!status || !response) continue;
    const links: Json = {};
    for (const target of operations) {
      if (target === source || !under(target.path, source.path) || !target.operation.operationId) continue;
      if (pathParameters(target.path).length === 0) continue;
      const parameters: Record<string, string> = {};
      for (const name of pathParameters(target.path)) {
        const expression = valueOf(name, source, response, document);
        if (expression === undefined) break;
        parameters[name] = expression;
      }
      if (Object.keys(parameters).length !== pathParameters(target.path).length) continue;
      links[target.operation.operationId] = { operationId: target.operation.operationId, parameters };
    }
    if (Object.keys(links).length > 0) response.links = { ...(response.links as Json), ...links };
  }
}

function operationsOf(document: OpenAPIObject): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Json)
      .filter(([method]) => HTTP_METHODS.has(method))
      .map(([method, operation]) => ({ method, path, operation: operation as Operation['operation'] })),
  );
}

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

const pathParameters = (path: string): string[] => [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);

/** Where a write holds the value of a path parameter: its path, its body, or its answer. */
function valueOf(
  name: string,
  source: Operation,
  response: Json,
  document: OpenAPIObject,
): string | undefined {
  if (pathParameters(source.path).includes(name)) return `$request.path.${name}`;
  const answer = propertiesOf((response.content as Json | undefined)?.['application/json'], document);
  if (answer.has(name)) return `$response.body#/${name}`;
  const requestBody = source.operation.requestBody as Json | undefined;
  const body = propertiesOf((requestBody?.content as Json | undefined)?.['application/json'], document);
  if (body.has(name)) return `$request.body#/${name}`;
  const nested = NESTED_IDS[name];
  if (nested && body.has(nested.split('/')[1])) return `$request.body#${nested}`;
  return undefined;
}

/** Top-level property names of a media type's (possibly referenced) object schema. */
function propertiesOf(media: unknown, document: OpenAPIObject): Set<string> {
  let schema = (media as Json | undefined)?.schema as Json | undefined;
  const ref = schema?.$ref;
  if (typeof ref === 'string') {
    schema = document.components?.schemas?.[ref.split('/').pop() ?? ''] as Json | undefined;
  }
  return new Set(Object.keys((schema?.properties as Json | undefined) ?? {}));
}
