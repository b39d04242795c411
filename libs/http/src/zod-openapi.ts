import { z, type ZodType } from 'zod';

type JsonSchema = Record<string, unknown>;

/** The OpenAPI 3.0 schema of what a client sends, generated from the zod schema that validates it. */
export function toOpenApiSchema(schema: ZodType): JsonSchema {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return json;
}

/**
 * Unknown fields must be refused, so every object in a request schema must be strict
 * (`z.strictObject`). Checked when the route is declared, so a lax schema fails at start-up.
 */
export function assertStrictObjects(json: JsonSchema, where: string, path = '$'): void {
  if (json.type === 'object' && json.properties && json.additionalProperties !== false) {
    throw new Error(`${where}: object at ${path} must be strict (use z.strictObject)`);
  }
  for (const [key, value] of Object.entries(json)) {
    if (value && typeof value === 'object') {
      const children = Array.isArray(value) ? value : [value];
      children.forEach((child, index) => {
        if (child && typeof child === 'object') {
          assertStrictObjects(
            child as JsonSchema,
            where,
            Array.isArray(value) ? `${path}.${key}[${index}]` : `${path}.${key}`,
          );
        }
      });
    }
  }
}
