import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { DomainError } from '@mandate/domain';
import { sendProblem } from './problem.filter';

function reply() {
  const headers = new Map<string, string>();
  const sent: { status?: number; body?: unknown } = {};
  const fake = {
    header: (name: string, value: string) => (headers.set(name, value), fake),
    hasHeader: (name: string) => headers.has(name),
    status: (status: number) => ((sent.status = status), fake),
    send: (body: unknown) => ((sent.body = body), fake),
  };
  return { reply: fake as unknown as FastifyReply, headers, sent };
}

const request = { url: '/v1/x', id: 'req-1', method: 'POST' } as unknown as FastifyRequest;
const logger = { error: () => undefined } as unknown as Logger;

describe('sendProblem', () => {
  it.each([
    ['too_many_requests', 429],
    ['unavailable', 503],
  ] as const)(
    'given a %s refusal with retryAfterSeconds, when sent, then Retry-After says when',
    (kind, status) => {
      const { reply: fake, headers, sent } = reply();

      sendProblem(
        logger,
        new DomainError(kind, 'slow-down', 'Later.', [], { retryAfterSeconds: 1.2 }),
        request,
        fake,
      );

      expect(sent.status).toBe(status);
      expect(headers.get('retry-after')).toBe('2');
      expect(sent.body).toMatchObject({ code: 'slow-down', details: { retryAfterSeconds: 1.2 } });
    },
  );

  it('given a refusal without a retry time, when sent, then there is no Retry-After', () => {
    const { reply: fake, headers } = reply();

    sendProblem(logger, new DomainError('conflict', 'stale', 'Stale.'), request, fake);

    expect(headers.has('retry-after')).toBe(false);
  });
});
