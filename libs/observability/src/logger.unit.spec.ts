import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { createLogger, logFormatFor } from './logger';
import { requestContext } from './request-context';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  const raw = () => JSON.stringify(lines);
  return { lines, raw, logger: createLogger({ level: 'info', destination }) };
}

describe('logger', () => {
  it('censors authorization headers, cookies and secret-named fields at any depth', () => {
    const { logger, lines, raw } = capture();

    logger.info(
      {
        req: { headers: { authorization: 'Bearer eyJ.secret.jwt', cookie: 'sid=abc', accept: 'json' } },
        connection: { account: 'bot@acme', password: 'hunter2', nested: [{ privateKey: 'PEM-DATA' }] },
        clientSecret: 'cs-123',
        refresh_token: 'rt-456',
      },
      'connecting',
    );

    expect(raw()).not.toMatch(/eyJ\.secret\.jwt|sid=abc|hunter2|PEM-DATA|cs-123|rt-456/);
    const line = lines[0] as {
      req: { headers: Record<string, string> };
      connection: { account: string; password: string; nested: Array<{ privateKey: string }> };
    };
    expect(line.req.headers.authorization).toBe('[redacted]');
    expect(line.req.headers.accept).toBe('json');
    expect(line.connection.account).toBe('bot@acme');
    expect(line.connection.password).toBe('[redacted]');
    expect(line.connection.nested[0].privateKey).toBe('[redacted]');
  });

  it('names the current request on every line written while serving it', () => {
    const { logger, lines } = capture();

    requestContext.run({ requestId: 'req-42' }, () => logger.info('inside'));
    logger.info('outside');

    expect(lines[0]).toMatchObject({ msg: 'inside', requestId: 'req-42' });
    expect(lines[1]).not.toHaveProperty('requestId');
  });
});

describe('log format', () => {
  it('is pretty only in development with stdout a terminal; JSON for pipes, files and production', () => {
    expect(logFormatFor('development', { isTTY: true })).toBe('pretty');
    expect(logFormatFor('development', { isTTY: false })).toBe('json');
    expect(logFormatFor('development', {})).toBe('json');
    expect(logFormatFor('production', { isTTY: true })).toBe('json');
    expect(logFormatFor('test', { isTTY: true })).toBe('json');
  });

  it('pretty writes one readable line per entry, with the process and context, secrets still censored', () => {
    // given a pretty logger
    const written: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: 'info', name: 'mandate-api', format: 'pretty', destination });

    // when it logs a line with a context and a secret
    logger.info({ context: 'Checkpointer', token: 'eyJ.secret', position: 42 }, 'signed a checkpoint');

    // then the line reads as text, not JSON, and the secret is censored
    const text = stripVTControlCharacters(written.join(''));
    expect(text.trim().split('\n')).toHaveLength(1);
    expect(text).toMatch(
      /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: mandate-api \[Checkpointer\] signed a checkpoint/,
    );
    expect(text).toContain('"position":42');
    expect(text).not.toContain('eyJ.secret');
    expect(() => JSON.parse(text)).toThrow();
  });
});
