import { z } from 'zod';
import { identifierSchema } from '../common/identifiers';

const actionNameSchema = z.string().regex(/^[a-z][a-z0-9:_-]{0,62}$/, 'must be a lowercase action name');

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
  })
  .strict();

export type ConnectorDefinition = z.infer<typeof connectorDefinitionSchema>;
export type ConnectorDefinitionInput = z.input<typeof connectorDefinitionSchema>;
