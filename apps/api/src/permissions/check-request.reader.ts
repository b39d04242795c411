import { IDENTIFIER_PATTERN, PRINCIPAL_ID_MAX_LENGTH } from '@mandate/domain';
import { type CheckRequest, MAX_NAME_LENGTH, MAX_RESOURCE_LENGTH } from './permissions.schemas';

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
