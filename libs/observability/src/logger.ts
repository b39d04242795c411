import pino, { type DestinationStream, type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';
import { redactPaths, redactSecrets, REDACTED } from './redaction';
import { requestContext } from './request-context';

export type { Logger } from 'pino';

/** JSON lines for machines (the default); `pretty`: one readable line per entry, for a person. */
export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  level: string;
  name?: string;
  format?: LogFormat;
  /**
   * Where JSON lines go. By default stdout, written synchronously: pino's default writes
   * asynchronously, so the last lines before a crash or a re-raised SIGTERM (Nest's shutdown,
   * "API stopped") could be lost. Line volume is low: checks and probes log at `debug`.
   * Tests and benchmarks pass their own stream.
   */
  destination?: DestinationStream;
}

/**
 * Pretty only for a person watching: in development, with stdout a terminal. Anything read by a
 * program (a pipe, a file, a container's log driver, production) gets JSON.
 */
export function logFormatFor(nodeEnv: string, stdout: { isTTY?: boolean } = process.stdout): LogFormat {
  return nodeEnv === 'development' && stdout.isTTY === true ? 'pretty' : 'json';
}

/** The one logger factory: JSON lines, request id on every line, secrets censored. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      name: options.name ?? 'mandate',
      redact: { paths: redactPaths, censor: REDACTED },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redactSecrets(object) as Record<string, unknown>,
      },
      mixin: () => {
        const context = requestContext.getStore();
        if (context === undefined) return {};
        const { requestId, clientRequestId } = context;
        return clientRequestId === undefined ? { requestId } : { requestId, clientRequestId };
      },
    },
    options.format === 'pretty'
      ? prettyStream(options.destination)
      : (options.destination ?? pino.destination({ dest: 1, sync: true })),
  );
}

/**
 * Formats in-process and synchronously (no worker thread): the same guarantee as JSON that the
 * last lines before an exit are written. Redaction has already happened in pino by then.
 */
function prettyStream(destination: DestinationStream | undefined): DestinationStream {
  // Loaded for a person's terminal only: a server writing JSON never needs the formatter.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred load, see above
  const pretty = require('pino-pretty') as typeof PinoPretty;
  return pretty({
    destination: destination ?? 1,
    sync: true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    messageFormat: '{name} {if context}[{context}] {end}{msg}',
    ignore: 'pid,hostname,name,context',
  });
}
