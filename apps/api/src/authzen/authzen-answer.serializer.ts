import type { Provenance } from '@mandate/domain';
import type { AccessRequestHint } from './access-request.hint';
import type { AuthzenDecision } from './authzen.evaluator';

/** What the AuthZEN evaluation routes answer: one Decision, or the Decisions of a batch in order. */
export type AuthzenAnswer = AuthzenDecision | { evaluations: AuthzenDecision[] };

/**
 * `"reason":…,"provenance":…` of a compiled decision. Decisions are compiled once and frozen, and
 * one is the answer to every check its rule decides, so its text is written once and kept by its
 * provenance object (with the reason it was written with, compared on every use).
 */
const decisionTexts = new WeakMap<Provenance, { reason: string; text: string }>();
/** A hint is built once per workspace position and frozen (`AccessRequestHints`): its text likewise. */
const hintTexts = new WeakMap<AccessRequestHint, string>();

const decisionText = (reason: string, provenance: Provenance): string =>
  `"reason":${JSON.stringify(reason)},"provenance":${JSON.stringify(provenance)}`;

/** Kept only for a frozen provenance of strings: nothing can change it after it was written. */
const keepable = (provenance: Provenance): boolean =>
  Object.isFrozen(provenance) && Object.values(provenance).every((value) => typeof value === 'string');

function reasonAndProvenance(reason: string, provenance: Provenance): string {
  const known = decisionTexts.get(provenance);
  if (known !== undefined && known.reason === reason) return known.text;
  const text = decisionText(reason, provenance);
  if (keepable(provenance)) decisionTexts.set(provenance, { reason, text });
  return text;
}

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
  return `{"decision":${decision},"context":{${reasonAndProvenance(reason, provenance)},"position":${position}${accessRequest}}}`;
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
