import { z } from 'zod';
import { principalIdSchema } from '../common/identifiers';

/**
 * A GitHub login: 1-39 letters, digits or single inner hyphens. GitHub treats logins without
 * regard to case, so the canonical form is lower case; anything else is refused, never sent.
 */
export const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
export const githubLoginSchema = z
  .string()
  .regex(GITHUB_LOGIN, 'must be a GitHub login')
  .transform((login) => login.toLowerCase());

/** The external account grammars, per connector that can tell what an invoker may do. */
export const externalLoginSchemas: Readonly<Record<string, z.ZodType<string, string>>> = {
  github: githubLoginSchema,
};

export const externalAccountSchema = z.strictObject({
  principalId: principalIdSchema,
  connector: z.string().min(1).max(100),
  login: z.string().min(1).max(100),
});

/** principal → connector → login, as admins set them. */
export interface ExternalAccountsState {
  accounts: Record<string, Record<string, string>>;
}

/** One stream per workspace, apart from membership and the baseline. */
export const externalAccountsStreamId = (workspaceId: string): string => `external-accounts-${workspaceId}`;

/** The invoker's permission levels at a connector (GitHub's answer for a collaborator). */
export const invokerPermissionSchema = z.enum(['none', 'read', 'write', 'admin']);
export type InvokerPermission = z.infer<typeof invokerPermissionSchema>;
