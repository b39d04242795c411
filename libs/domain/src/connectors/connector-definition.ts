import { z } from 'zod';
import { identifierSchema } from '../common/identifiers';

const actionNameSchema = z.string().regex(/^[a-z][a-z0-9:_-]{0,62}$/, 'must be a lowercase action name');

/** An OAuth scope token (RFC 6749 §3.3), or for a GitHub App `permission:level`. */
export const leaseScopeSchema = z
  .string()
  .regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,200}$/, 'must be a scope token (visible ASCII, no quote or backslash)');

/**
 * What a connector offers: its actions, which action implies which (github `admin` ⊇ `write` ⊇
 * `read`), and the syntax of a resource name's segments. Kept as plain data so a workspace can
 * register its own connectors through an event.
 */
export const connectorDefinitionSchema = z
  .object({
    id: identifierSchema,
    displayName: z.string().min(1).max(100),
    actions: z.array(actionNameSchema).min(1),
    /** Direct implications: `{ admin: ['write'], write: ['read'] }`; closed transitively. */
    implies: z.record(z.string(), z.array(z.string())).default({}),
    resource: z
      .object({
        description: z.string().min(1).max(200),
        example: z.string().min(1),
        /** Regular expression (source) a literal segment must match. */
        segment: z.string().min(1),
        caseInsensitive: z.boolean().default(false),
        /**
         * Spellings the service treats as one resource: `suffix` on the segment at index `segment`
         * is dropped (GitHub: `acme/api.git` is `acme/api`), so a rule on one covers all.
         */
        aliases: z
          .array(
            z.strictObject({ segment: z.number().int().min(0).max(31), suffix: z.string().min(1).max(20) }),
          )
          .max(4)
          .optional(),
      })
      .strict(),
    /**
     * What a credential lease for each action asks of the upstream: OAuth scopes for an
     * `oauth2-client` connection, `permission:level` (`contents:write`) for a `github-app` one. An
     * action without a row cannot be leased: the minter refuses rather than guess.
     */
    leaseScopes: z.record(z.string(), z.array(leaseScopeSchema).min(1).max(30)).optional(),
  })
  .strict();

export type ConnectorDefinition = z.infer<typeof connectorDefinitionSchema>;
export type ConnectorDefinitionInput = z.input<typeof connectorDefinitionSchema>;
