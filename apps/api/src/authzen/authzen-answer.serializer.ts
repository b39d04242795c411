import { reasonAndProvenanceText } from '../permissions/decision.text';
import type { AccessRequestHint } from './access-request.hint';
import type { AuthzenDecision } from './authzen.evaluator';

/** What the AuthZEN evaluation routes answer: one Decision, or the Decisions of a batch in order. */
export type AuthzenAnswer = AuthzenDecision | { evaluations: AuthzenDecision[] };

/** A hint is built once per workspace position and frozen (`AccessRequestHints`): its text is written once. */
const hintTexts = new WeakMap<AccessRequestHint, string>();

function hintText(hint: AccessRequestHint): string {
  let text = hintTexts.get(hint);
  if (text === undefined) {
    text = JSON.stringify(hint);
    if (Object.isFrozen(hint)) hintTexts.set(hint, text);
  }
  return text;
}

/** One Decision as JSON, the same text `JSON.stringify` writes (keys in the same order). */
function decisionJson(answer: AuthzenDecision): string {
  const { decision, context } = answer;
  const { reason, provenance, position, access_request: hint, error } = context;
  if (
    typeof decision !== 'boolean' ||
    error !== undefined ||
    reason === undefined ||
    provenance === undefined ||
    !Number.isSafeInteger(position) ||
    Object.keys(context).length !== (hint === undefined ? 3 : 4)
  ) {
    return JSON.stringify(answer);
  }
  const accessRequest = hint === undefined ? '' : `,"access_request":${hintText(hint)}`;
  return `{"decision":${decision},"context":{${reasonAndProvenanceText(reason, provenance)},"position":${position}${accessRequest}}}`;
}

/**
 * The answer's JSON text. A batch of evaluations repeats a handful of compiled decisions and
 * hints; writing each once instead of walking every copy is most of what an evaluation costs
 * beyond the check itself. Anything not in the expected shape is written by `JSON.stringify`.
 */
export function serializeAuthzenAnswer(answer: AuthzenAnswer): string {
  if (!('evaluations' in answer)) return decisionJson(answer);
  if (Object.keys(answer).length !== 1) return JSON.stringify(answer);
  return `{"evaluations":[${answer.evaluations.map(decisionJson).join(',')}]}`;
}
