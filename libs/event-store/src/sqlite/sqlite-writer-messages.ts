import { duplicateEventId, WrongExpectedVersion } from '../errors';
import type { AppendResult, ExpectedRevision } from '../event-store.port';
import type { PreparedEvent } from './sqlite-prepared-event';

/** What the writer thread is started with: its own connection to the store's file. */
export interface WriterThreadSettings {
  path: string;
  synchronous: 'FULL' | 'NORMAL';
  busyTimeoutMs: number;
}

/** One append, posted to the writer thread with the others of its event-loop turn. */
export interface AppendMessage {
  id: number;
  streamId: string;
  events: PreparedEvent[];
  expected: ExpectedRevision;
}

/**
 * A refusal as it crosses the thread boundary: errors lose their class and fields when cloned, so
 * the store's two refusals travel as data and are built again on the calling thread.
 */
export type Refusal =
  | {
      kind: 'wrong-expected-version';
      streamId: string;
      expected: string | number;
      actual: number | 'no_stream';
    }
  | { kind: 'duplicate-event-id'; id: string; streamId: string }
  | { kind: 'error'; message: string; code?: string };

export type Outcome = { id: number; result: AppendResult } | { id: number; refusal: Refusal };

/** The outcomes of one committed (or rolled back) group, and the head after it if it committed. */
export interface FlushedMessage {
  outcomes: Outcome[];
  head: number | null;
}

export function refusalOf(error: unknown): Refusal {
  if (error instanceof WrongExpectedVersion) {
    const { streamId, expected, actual } = error;
    return { kind: 'wrong-expected-version', streamId, expected, actual };
  }
  const { code, details, message } = error as {
    code?: unknown;
    details?: Record<string, unknown>;
    message?: unknown;
  };
  if (code === 'duplicate-event-id' && details !== undefined) {
    return { kind: 'duplicate-event-id', id: String(details.id), streamId: String(details.streamId) };
  }
  return {
    kind: 'error',
    message: typeof message === 'string' ? message : String(error),
    ...(typeof code === 'string' ? { code } : {}),
  };
}

export function errorOf(refusal: Refusal): Error {
  switch (refusal.kind) {
    case 'wrong-expected-version':
      return new WrongExpectedVersion(refusal.streamId, refusal.expected, refusal.actual);
    case 'duplicate-event-id':
      return duplicateEventId(refusal.id, refusal.streamId);
    case 'error':
      return Object.assign(
        new Error(refusal.message),
        refusal.code === undefined ? {} : { code: refusal.code },
      );
  }
}
