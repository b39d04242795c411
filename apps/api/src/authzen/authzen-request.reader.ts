import { MAX_BATCH_CHECKS } from '../permissions/permissions.schemas';
import {
  type AuthzenAction,
  type AuthzenEvaluation,
  type AuthzenEvaluations,
  type AuthzenResource,
  type AuthzenSubject,
  EVALUATIONS_SEMANTICS,
  type EvaluationsSemantic,
} from './authzen.schemas';

/**
 * The parse `authzen.schemas.ts` defines, for a request of the expected shape, without zod's
 * bookkeeping per field (a result and an issue list for each of an evaluation's dozen fields, which
 * cost more than the check the evaluation asks). It returns exactly what zod's parse returns, or
 * `undefined` for anything it does not take as is, which the zod schema then parses and refuses
 * naming each field: zod stays the definition and the one source of refusals, and a unit spec holds
 * the two equal on any input. It only reads the envelope; every id, name and instant in it is
 * still parsed by `/v1/check`'s schema (`toCheckRequest`).
 */
const NOT_TAKEN = undefined;

/** A JSON object (zod's objects take any non-array object; its records only plain ones). */
const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/**
 * `z.record(z.string(), z.unknown())`: a copy of the own enumerable keys, `__proto__` left out.
 * Only an object zod takes as plain for certain (no symbol keys, the inherited constructor).
 */
function readRecord(value: unknown): Record<string, unknown> | undefined {
  if (!isJsonObject(value) || value.constructor !== Object) return NOT_TAKEN;
  if (Object.getOwnPropertySymbols(value).length > 0) return NOT_TAKEN;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) if (key !== '__proto__') copy[key] = value[key];
  return copy;
}

/**
 * An optional member, read into `into` when given (zod leaves an absent one out). False when not
 * taken: the member is not as `read` takes it, or present as `undefined`, which JSON never says.
 */
function readOptional<K extends string, T>(
  from: Record<string, unknown>,
  key: K,
  read: (value: unknown) => T | undefined,
  into: Partial<Record<K, T>>,
): boolean {
  const given = from[key];
  if (given === undefined) return !(key in from);
  const value = read(given);
  if (value === undefined) return false;
  into[key] = value;
  return true;
}

/** A subject or a resource: `{ type, id, properties? }`, strings and a record. */
function readTyped(value: unknown): AuthzenSubject | AuthzenResource | undefined {
  if (!isJsonObject(value)) return NOT_TAKEN;
  const { type, id } = value;
  if (typeof type !== 'string' || typeof id !== 'string') return NOT_TAKEN;
  const entity: AuthzenSubject = { type, id };
  return readOptional(value, 'properties', readRecord, entity) ? entity : NOT_TAKEN;
}

function readAction(value: unknown): AuthzenAction | undefined {
  if (!isJsonObject(value)) return NOT_TAKEN;
  const { name } = value;
  if (typeof name !== 'string') return NOT_TAKEN;
  const action: AuthzenAction = { name };
  return readOptional(value, 'properties', readRecord, action) ? action : NOT_TAKEN;
}

type Item = Partial<AuthzenEvaluation>;

/** An item's (or the defaults') four optional members, in the schema's order. */
function readItem(value: unknown): Item | undefined {
  if (!isJsonObject(value)) return NOT_TAKEN;
  const item: Item = {};
  const taken =
    readOptional(value, 'subject', readTyped, item) &&
    readOptional(value, 'action', readAction, item) &&
    readOptional(value, 'resource', readTyped, item) &&
    readOptional(value, 'context', readRecord, item);
  return taken ? item : NOT_TAKEN;
}

/** `authzenEvaluationSchema`'s parse of a well-formed body, or undefined. */
export function readEvaluation(body: unknown): AuthzenEvaluation | undefined {
  const item = readItem(body);
  if (item?.subject === undefined || item.action === undefined || item.resource === undefined) {
    return NOT_TAKEN;
  }
  return item as AuthzenEvaluation;
}

/** `authzenEvaluationsSchema`'s parse of a well-formed body, or undefined. */
export function readEvaluations(body: unknown): AuthzenEvaluations | undefined {
  const request: AuthzenEvaluations | undefined = readItem(body);
  if (request === undefined) return NOT_TAKEN;
  const members = body as Record<string, unknown>;
  const taken =
    readOptional(members, 'evaluations', readItems, request) &&
    readOptional(members, 'options', readOptions, request);
  return taken ? request : NOT_TAKEN;
}

/** `evaluations`: at most as many items as a batch of checks. */
function readItems(value: unknown): Item[] | undefined {
  if (!Array.isArray(value) || value.length > MAX_BATCH_CHECKS) return NOT_TAKEN;
  const items: Item[] = new Array(value.length);
  for (let index = 0; index < value.length; index++) {
    const item = readItem(value[index]);
    if (item === undefined) return NOT_TAKEN;
    items[index] = item;
  }
  return items;
}

const SEMANTICS: ReadonlySet<unknown> = new Set(EVALUATIONS_SEMANTICS);
const readSemantic = (value: unknown): EvaluationsSemantic | undefined =>
  SEMANTICS.has(value) ? (value as EvaluationsSemantic) : NOT_TAKEN;

function readOptions(value: unknown): AuthzenEvaluations['options'] {
  if (!isJsonObject(value)) return NOT_TAKEN;
  const options: NonNullable<AuthzenEvaluations['options']> = {};
  return readOptional(value, 'evaluations_semantic', readSemantic, options) ? options : NOT_TAKEN;
}
