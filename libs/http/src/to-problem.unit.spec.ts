import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { z } from 'zod';
import { DomainError, type DomainErrorKind } from '@mandate/domain';
import { formatIssuePath, toProblem } from './to-problem';

describe('toProblem', () => {
  it.each<[DomainErrorKind, number]>([
    ['validation', 400],
    ['unprocessable', 422],
    ['unauthorized', 401],
    ['forbidden', 403],
    ['not_found', 404],
    ['conflict', 409],
    ['too_many_requests', 429],
    ['unavailable', 503],
  ])('maps a %s refusal to %i keeping its code and message', (kind, status) => {
    const problem = toProblem(new DomainError(kind, 'some-code', 'Why it was refused.'));

    expect(problem).toMatchObject({
      status,
      code: 'some-code',
      detail: 'Why it was refused.',
      unexpected: false,
    });
  });

  it('keeps field issues and details of a domain refusal', () => {
    const error = new DomainError(
      'conflict',
      'stale-revision',
      'Stale.',
      [{ path: 'name', message: 'taken' }],
      {
        position: 7,
      },
    );

    expect(toProblem(error)).toMatchObject({
      errors: [{ path: 'name', message: 'taken' }],
      details: { position: 7 },
    });
  });

  it('names each invalid and each unknown field of a zod error', () => {
    const schema = z.strictObject({
      connections: z.array(z.strictObject({ actions: z.array(z.enum(['read', 'write'])) })),
    });
    const result = schema.safeParse({ connections: [{ actions: ['read', 'fly'] }], colour: 'red' });

    const problem = toProblem(result.error);

    expect(problem.status).toBe(400);
    expect(problem.code).toBe('validation-failed');
    expect(problem.errors?.map((issue) => issue.path).sort()).toEqual([
      'colour',
      'connections[0].actions[1]',
    ]);
  });

  it('maps Fastify body errors, wrapped by Nest or not, to their own codes', () => {
    const fastify = (code: string, statusCode: number) =>
      Object.assign(new Error('raw'), { code, statusCode });
    const wrapped = (cause: Error, status: number) => new HttpException('raw', status, { cause });

    expect(toProblem(wrapped(fastify('FST_ERR_CTP_BODY_TOO_LARGE', 413), 413))).toMatchObject({
      status: 413,
      code: 'body-too-large',
    });
    expect(toProblem(fastify('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415))).toMatchObject({
      status: 415,
      code: 'unsupported-media-type',
    });
    expect(toProblem(wrapped(fastify('FST_ERR_CTP_INVALID_JSON_BODY', 400), 400))).toMatchObject({
      status: 400,
      code: 'malformed-json',
    });
  });

  it('maps Nest HTTP exceptions by status', () => {
    expect(toProblem(new NotFoundException('Cannot GET /nope'))).toMatchObject({
      status: 404,
      code: 'route-not-found',
    });
    expect(toProblem(new BadRequestException('nope'))).toMatchObject({ status: 400, code: 'bad-request' });
  });

  it('hides everything about an unexpected error behind a generic 500', () => {
    const problem = toProblem(new TypeError('Cannot read properties of undefined (reading "secret")'));

    expect(problem).toMatchObject({ status: 500, code: 'internal-error', unexpected: true });
    expect(JSON.stringify(problem)).not.toMatch(/secret|TypeError|at /);
  });

  it('formats issue paths the way clients index them', () => {
    expect(formatIssuePath(['connections', 2, 'actions', 0])).toBe('connections[2].actions[0]');
    expect(formatIssuePath([0, 'name'])).toBe('[0].name');
    expect(formatIssuePath([])).toBe('');
  });
});
