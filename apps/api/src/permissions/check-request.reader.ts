import { IDENTIFIER_PATTERN, PRINCIPAL_ID_MAX_LENGTH } from '@mandate/domain';
import {
  type BatchCheckRequest,
  type CheckRequest,
  MAX_BATCH_CHECKS,
  MAX_NAME_LENGTH,
  MAX_RESOURCE_LENGTH,
} from './permissions.schemas';

// Read once: an imported binding is a getter through each re-exporting index on every use.
const IDENTIFIER = IDENTIFIER_PATTERN;
const MAX_INVOKER_LENGTH = PRINCIPAL_ID_MAX_LENGTH;

/** A string of `min` to `max` UTF-16 code units, as zod's `.min().max()` count them. */
const isText = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length >= 1 && value.length <= max;

/** `z.number().int().min(0)`: a safe integer, zero or more. */
const isPosition = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * `checkRequestSchema`'s parse of a check made of these members, without zod's bookkeeping per
 * field (a result and an issue list for each, which cost an AuthZEN evaluation more than mapping
 * it): the same object zod returns (the same members, in the schema's order, an absent optional
 * one left out), or `undefined` for anything it does not take as is — a member out of its bounds,
 * any `at` (an instant is left to zod's ISO-8601 parse) — which the caller then parses with the
 * schema, the one definition and source of refusals. A unit spec holds the two equal on any input.
 */
export function readCheckRequest(
  workspaceId: unknown,
  channelId: unknown,
  connector: unknown,
  action: unknown,
  resource: unknown,
  invokedBy: unknown,
  at: unknown,
  minPosition: unknown,
): CheckRequest | undefined {
  if (
    typeof workspaceId !== 'string' ||
    !IDENTIFIER.test(workspaceId) ||
    typeof channelId !== 'string' ||
    !IDENTIFIER.test(channelId) ||
    !isText(connector, MAX_NAME_LENGTH) ||
    !isText(action, MAX_NAME_LENGTH) ||
    !isText(resource, MAX_RESOURCE_LENGTH) ||
    at !== undefined ||
    (invokedBy !== undefined && !isText(invokedBy, MAX_INVOKER_LENGTH)) ||
    (minPosition !== undefined && !isPosition(minPosition))
  ) {
    return undefined;
  }
  const check: CheckRequest = { workspaceId, channelId, connector, action, resource };
  if (invokedBy !== undefined) check.invokedBy = invokedBy;
  if (minPosition !== undefined) check.minPosition = minPosition;
  return check;
}

/** The members `checkRequestSchema` (a strict object) knows: any other one is refused by it. */
const CHECK_MEMBERS = new Set([
  'workspaceId',
  'channelId',
  'connector',
  'action',
  'resource',
  'invokedBy',
  'at',
  'minPosition',
]);

const membersOf = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

/**
 * A `POST /v1/check` body as `checkRequestSchema` parses it, or `undefined` for anything the reader
 * does not take as is (a member the strict schema does not know, or one `readCheckRequest` leaves
 * to the schema): the route then parses it with the schema, which names what is wrong.
 */
export function readCheckBody(body: unknown): CheckRequest | undefined {
  const members = membersOf(body);
  if (members === undefined) return undefined;
  for (const name in members) if (!CHECK_MEMBERS.has(name)) return undefined;
  return readCheckRequest(
    members.workspaceId,
    members.channelId,
    members.connector,
    members.action,
    members.resource,
    members.invokedBy,
    members.at,
    members.minPosition,
  );
}

/** A `POST /v1/check/batch` body as `batchCheckRequestSchema` parses it, or `undefined` (as above). */
export function readBatchCheckBody(body: unknown): BatchCheckRequest | undefined {
  const members = membersOf(body);
  if (members === undefined) return undefined;
  for (const name in members) if (name !== 'checks') return undefined;
  const given = members.checks;
  if (!Array.isArray(given) || given.length < 1 || given.length > MAX_BATCH_CHECKS) return undefined;
  const checks: CheckRequest[] = new Array(given.length);
  for (let index = 0; index < given.length; index++) {
    const check = readCheckBody(given[index]);
    if (check === undefined) return undefined;
    checks[index] = check;
  }
  return { checks };
}
