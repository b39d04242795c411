import { z } from 'zod';
import { identifierSchema, principalIdSchema } from '@mandate/domain';
import { pageQueryFields, queryFlag } from '@mandate/http';

/** Lists ordered by an identifier (workspaces, channels, grants): `after` is the last id seen. */
export const idPageQuery = z.strictObject(pageQueryFields(identifierSchema));
export type IdPageQuery = z.infer<typeof idPageQuery>;

/** Members are ordered by principal id, which has its own grammar. */
export const membersQuery = z.strictObject(pageQueryFields(principalIdSchema));
export type MembersQuery = z.infer<typeof membersQuery>;

export const grantsQuery = z.strictObject({
  /** `true`: only grants in force now (`now < expiresAt`, not revoked); `false`: only ended ones. */
  active: queryFlag().optional(),
  ...pageQueryFields(identifierSchema),
});
export type GrantsQuery = z.infer<typeof grantsQuery>;
