import { z } from 'zod';

/**
 * Ids of workspaces, channels, groups and rules: lowercase letters, digits and hyphens. No dots,
 * colons or slashes, so ids can be joined into stream ids and namespaces without ambiguity.
 */
export const IDENTIFIER_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const identifierSchema = z
  .string()
  .regex(IDENTIFIER_PATTERN, 'must be 1-63 lowercase letters, digits or hyphens');

/** Principal ids come from the identity provider (`sub`), so they are only bounded, not shaped. */
export const PRINCIPAL_ID_MAX_LENGTH = 200;
export const principalIdSchema = z.string().min(1).max(PRINCIPAL_ID_MAX_LENGTH);

export const skillNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'must be a lowercase skill name');

export const isIdentifier = (value: string): boolean => identifierSchema.safeParse(value).success;
