import { z } from 'zod';
import { DomainError } from '@mandate/domain';
import { ZodBody, ZodQuery, ZodValidationPipe } from './zod.decorators';
import { toOpenApiSchema } from './zod-openapi';

describe('zod request decorators', () => {
  it('refuses a lax object schema when the route is declared, so unknown fields can never slip through', () => {
    const declare = () => {
      class Controller {
        create(@ZodBody(z.object({ nested: z.strictObject({ name: z.string() }) })) _body: unknown) {}
      }
      return Controller;
    };
    const declareNestedLax = () => {
      class Controller {
        create(@ZodBody(z.strictObject({ nested: z.object({ name: z.string() }) })) _body: unknown) {}
      }
      return Controller;
    };

    expect(declare).toThrow(/must be strict/);
    expect(declareNestedLax).toThrow(/\$\.properties\.nested must be strict/);
  });

  it('documents the body and each query parameter from the validating schema', () => {
    const body = z.strictObject({ name: z.string().min(1), tags: z.array(z.string()).optional() });
    const query = z.strictObject({ limit: z.coerce.number().int().optional(), cursor: z.string() });
    class Controller {
      create(@ZodBody(body) _body: unknown, @ZodQuery(query) _query: unknown) {}
    }

    const bodyMeta = Reflect.getMetadata('swagger/apiParameters', Controller.prototype.create) as Array<{
      in: string;
      name?: string;
      required?: boolean;
      schema?: unknown;
    }>;

    expect(bodyMeta.find((p) => p.in === 'body')?.schema).toEqual(toOpenApiSchema(body));
    expect(bodyMeta.filter((p) => p.in === 'query').map((p) => [p.name, p.required])).toEqual(
      expect.arrayContaining([
        ['limit', false],
        ['cursor', true],
      ]),
    );
  });

  it('refuses an invalid body naming each field under its location', () => {
    const pipe = new ZodValidationPipe(
      z.strictObject({ name: z.string(), ttl: z.number().positive() }),
      'body',
    );

    const error = (() => {
      try {
        pipe.transform({ name: 7, ttl: -1, extra: true });
      } catch (caught) {
        return caught;
      }
    })() as DomainError;

    expect(error).toBeInstanceOf(DomainError);
    expect([error.kind, error.code]).toEqual(['validation', 'validation-failed']);
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['body.extra', 'body.name', 'body.ttl']);
  });

  it('returns the parsed value, coerced, when valid', () => {
    const pipe = new ZodValidationPipe(z.strictObject({ limit: z.coerce.number().int() }), 'query');

    expect(pipe.transform({ limit: '20' })).toEqual({ limit: 20 });
  });
});
