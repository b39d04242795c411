import { Body, Param, Query, type PipeTransform } from '@nestjs/common';
import { ApiBody, ApiParam, ApiQuery } from '@nestjs/swagger';
import type { ZodType } from 'zod';
import { DomainError } from '@mandate/domain';
import { zodIssues } from './to-problem';
import { assertStrictObjects, toOpenApiSchema } from './zod-openapi';

type Location = 'body' | 'query' | 'params';

/** Validates one request part against a zod schema; refusals name every offending field. */
export class ZodValidationPipe<T> implements PipeTransform<unknown, T> {
  constructor(
    private readonly schema: ZodType<T>,
    private readonly location: Location,
  ) {}

  transform(value: unknown): T {
    const parsed = this.schema.safeParse(value ?? (this.location === 'body' ? undefined : {}));
    if (parsed.success) return parsed.data;
    throw new DomainError(
      'validation',
      'validation-failed',
      `The request ${this.location === 'body' ? 'body' : this.location} is invalid.`,
      zodIssues(parsed.error, this.location),
    );
  }
}

type JsonSchema = Record<string, unknown>;

/**
 * Parameter decorators that validate and document from the same zod schema, so the OpenAPI
 * document and the validation can never disagree:
 *   `create(@ZodBody(createWorkspaceSchema) body: CreateWorkspace)`
 */
export const ZodBody =
  <T>(schema: ZodType<T>): ParameterDecorator =>
  (target, key, index) => {
    const json = documented(schema, target, key, 'body');
    Body(new ZodValidationPipe(schema, 'body'))(target, key, index);
    ApiBody({ schema: json, required: true })(target, key as string, descriptorOf(target, key));
  };

export const ZodQuery =
  <T>(schema: ZodType<T>): ParameterDecorator =>
  (target, key, index) => {
    const json = documented(schema, target, key, 'query');
    Query(new ZodValidationPipe(schema, 'query'))(target, key, index);
    for (const [name, property, required] of objectProperties(json)) {
      ApiQuery({ name, schema: property, required })(target, key as string, descriptorOf(target, key));
    }
  };

export const ZodParams =
  <T>(schema: ZodType<T>): ParameterDecorator =>
  (target, key, index) => {
    const json = documented(schema, target, key, 'params');
    Param(new ZodValidationPipe(schema, 'params'))(target, key, index);
    for (const [name, property] of objectProperties(json)) {
      ApiParam({ name, schema: property, required: true })(target, key as string, descriptorOf(target, key));
    }
  };

function documented(schema: ZodType, target: object, key: string | symbol | undefined, location: Location) {
  const json = toOpenApiSchema(schema);
  assertStrictObjects(json, `${target.constructor.name}.${String(key)} ${location}`);
  return json;
}

function descriptorOf(target: object, key: string | symbol | undefined): PropertyDescriptor {
  const descriptor = key === undefined ? undefined : Object.getOwnPropertyDescriptor(target, key);
  if (!descriptor) throw new Error('Zod decorators apply to method parameters only');
  return descriptor;
}

function objectProperties(json: JsonSchema): Array<[string, JsonSchema, boolean]> {
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => [name, property, required.has(name)]);
}
