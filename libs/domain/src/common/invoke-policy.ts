import { z } from 'zod';
import { identifierSchema, principalIdSchema } from './identifiers';
import { workspaceRoleSchema } from './workspace-role';

/**
 * Who may invoke the agent. A principal qualifies if it is listed, holds a role including one of
 * the roles (an owner qualifies for `member`), belongs to one of the groups, or (when
 * `channelMembers`) is a member of the channel it invokes in.
 */
export const invokePolicySchema = z
  .object({
    roles: z.array(workspaceRoleSchema).default([]),
    groups: z.array(identifierSchema).default([]),
    principals: z.array(principalIdSchema).default([]),
    channelMembers: z.boolean().default(false),
  })
  .strict();

export type InvokePolicy = z.infer<typeof invokePolicySchema>;

/** Until a workspace says otherwise, any workspace member may invoke the agent. */
export const defaultInvokePolicy: InvokePolicy = {
  roles: ['member'],
  groups: [],
  principals: [],
  channelMembers: false,
};

const sorted = (values: readonly string[]): string[] => [...new Set(values)].sort();

/** Order-insensitive form, so equal policies compare equal and an unchanged one writes nothing. */
export const normalizeInvokePolicy = (policy: InvokePolicy): InvokePolicy => ({
  roles: sorted(policy.roles) as InvokePolicy['roles'],
  groups: sorted(policy.groups),
  principals: sorted(policy.principals),
  channelMembers: policy.channelMembers,
});

export const sameInvokePolicy = (a: InvokePolicy, b: InvokePolicy): boolean =>
  JSON.stringify(normalizeInvokePolicy(a)) === JSON.stringify(normalizeInvokePolicy(b));
