import pino, { type DestinationStream, type Logger } from 'pino';
import { redactPaths, redactSecrets, REDACTED } from './redaction';
import { currentRequestId } from './request-context';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  name?: string;
  /**
   * Where JSON lines go. By default stdout, written synchronously: pino's default writes
   * asynchronously, so the last lines before a crash or a re-raised SIGTERM (Nest's shutdown,
   * "API stopped") could be lost. Line volume is low: checks and probes log at `debug`.
   * Tests and benchmarks pass their own stream.
   */
  destination?: DestinationStream;
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
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
