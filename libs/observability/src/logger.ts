import pino, { type DestinationStream, type Logger } from 'pino';
import { redactPaths, redactSecrets, REDACTED } from './redaction';
import { currentRequestId } from './request-context';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  name?: string;
  /** Where JSON lines go; stdout by default. Tests pass a memory stream. */
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
    options.destination,
  );
}
