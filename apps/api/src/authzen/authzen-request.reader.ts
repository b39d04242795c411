import { MAX_BATCH_CHECKS } from '../permissions/permissions.schemas';
import {
  type AuthzenEvaluation,
  type AuthzenEvaluations,
  EVALUATIONS_SEMANTICS,
  type EvaluationsSemantic,
} from './authzen.schemas';

/**
 * The parse `authzen.schemas.ts` defines, for a request of the expected shape, without zod's
 * bookkeeping per field (a result and an issue list for each of an evaluation's dozen fields) and
 * without its copies (four objects per evaluation, which cost more than mapping it): a body the
 * schema takes as is is answered as it is, typed. What zod would return differs from it only in
 * members nothing reads — unknown keys the specification says to ignore, which zod strips, and an
 * own `__proto__` key of a free-form member, which zod leaves out and the API refuses anyway — so
 * the checks it asks are the same (a unit spec holds that on any input, and that every body taken
 * is one the schema takes). Anything else — a member missing, mistyped or present as `undefined`,
 * an object that is not plain, more than 1,000 items — is `undefined`, and the zod schema then
 * parses and refuses it naming each field: zod stays the definition and the one source of
 * refusals. It only reads the envelope; every id, name and instant in it is still parsed as
 * `/v1/check`'s schema parses it (`toCheckRequest`). Every object it takes has the plain object
 * prototype, so nothing but `Object.prototype` can be inherited by what the mapping reads.
 */
const NOT_TAKEN = undefined;

type Members = Record<string, unknown>;

/** A JSON object (zod's objects take any non-array object; its records only plain ones). */
const isJsonObject = (value: unknown): value is Members =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/**
 * `z.record(z.string(), z.unknown())` takes it with the same members: an object zod takes as
 * plain for certain (no symbol keys, the inherited constructor).
 */
const isRecord = (value: unknown): boolean =>
  isJsonObject(value) && value.constructor === Object && Object.getOwnPropertySymbols(value).length === 0;

/** An optional member: absent (zod leaves it out), or as `is` takes it; never present as `undefined`. */
function isOptional(from: Members, key: string, is: (value: unknown) => boolean): boolean {
  const given = from[key];
  return given === undefined ? !(key in from) : is(given);
}

/** A subject or a resource: `{ type, id, properties? }`, strings and a record. */
const isTyped = (value: unknown): boolean =>
  isJsonObject(value) &&
  typeof value.type === 'string' &&
  typeof value.id === 'string' &&
  isOptional(value, 'properties', isRecord);

const isAction = (value: unknown): boolean =>
  isJsonObject(value) && typeof value.name === 'string' && isOptional(value, 'properties', isRecord);

/** An item's (or the defaults') four optional members. */
const isItem = (value: unknown): value is Members =>
  isJsonObject(value) &&
  isOptional(value, 'subject', isTyped) &&
  isOptional(value, 'action', isAction) &&
  isOptional(value, 'resource', isTyped) &&
  isOptional(value, 'context', isRecord);

/** `authzenEvaluationSchema`'s parse of a well-formed body (the body itself), or undefined. */
export function readEvaluation(body: unknown): AuthzenEvaluation | undefined {
  if (
    !isItem(body) ||
    body.subject === undefined ||
    body.action === undefined ||
    body.resource === undefined
  ) {
    return NOT_TAKEN;
  }
  return body as AuthzenEvaluation;
}

/** `authzenEvaluationsSchema`'s parse of a well-formed body (the body itself), or undefined. */
export function readEvaluations(body: unknown): AuthzenEvaluations | undefined {
  const taken =
    isItem(body) && isOptional(body, 'evaluations', isItems) && isOptional(body, 'options', isOptions);
  return taken ? (body as AuthzenEvaluations) : NOT_TAKEN;
}

/** `evaluations`: at most as many items as a batch of checks. */
function isItems(value: unknown): boolean {
  if (!Array.isArray(value) || Object.getPrototypeOf(value) !== Array.prototype) return false;
  if (value.length > MAX_BATCH_CHECKS) return false;
  for (let index = 0; index < value.length; index++) if (!isItem(value[index])) return false;
  return true;
}

const SEMANTICS: ReadonlySet<unknown> = new Set<EvaluationsSemantic>(EVALUATIONS_SEMANTICS);
const isSemantic = (value: unknown): boolean => SEMANTICS.has(value);

const isOptions = (value: unknown): boolean =>
  isJsonObject(value) && isOptional(value, 'evaluations_semantic', isSemantic);
