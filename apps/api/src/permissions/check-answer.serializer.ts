import type { CheckAnswer } from './permission-checks.service';
import { reasonAndProvenanceText } from './decision.text';

/** What the check routes answer: one answer, or a batch's in request order. */
export type CheckRouteAnswer = CheckAnswer | { results: CheckAnswer[] };

const ANSWER_KEYS = ['allowed', 'reason', 'provenance', 'position'] as const;

/** The keys of a plain answer, in the order `evaluate` and the service write them. */
function isPlain(answer: CheckAnswer): boolean {
  const keys = Object.keys(answer);
  return (
    keys.length === ANSWER_KEYS.length &&
    keys.every((key, index) => key === ANSWER_KEYS[index]) &&
    typeof answer.allowed === 'boolean' &&
    typeof answer.reason === 'string' &&
    typeof answer.provenance === 'object' &&
    answer.provenance !== null &&
    Number.isSafeInteger(answer.position)
  );
}

/** One answer as JSON: the same text `JSON.stringify` writes. */
function answerJson(answer: CheckAnswer): string {
  if (!isPlain(answer)) return JSON.stringify(answer);
  return `{"allowed":${answer.allowed},${reasonAndProvenanceText(answer.reason, answer.provenance)},"position":${answer.position}}`;
}

/**
 * The answer's JSON text. A batch repeats a handful of compiled decisions; writing each once
 * instead of walking every copy is a large part of what a batch costs beyond its checks. Anything
 * not in the expected shape is written by `JSON.stringify`.
 */
export function serializeCheckAnswer(answer: CheckRouteAnswer): string {
  if (!('results' in answer)) return answerJson(answer);
  if (Object.keys(answer).length !== 1) return JSON.stringify(answer);
  return `{"results":[${answer.results.map(answerJson).join(',')}]}`;
}
