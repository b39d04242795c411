import { z } from 'zod';
import { identifierSchema, skillNameSchema } from '../common/identifiers';
import { invokePolicySchema, defaultInvokePolicy } from '../common/invoke-policy';
import { overlayRuleSchema } from '../permissions/overlay-rule';
import { permissionRuleSchema } from '../permissions/permission-rule';
import { connectionNarrowingSchema } from './connection-narrowing';

/** A connection of the agent: a connector, the agent-owned account, actions and resources. */
export const connectionSchema = permissionRuleSchema.extend({
  /** Reference to the agent-owned account (e.g. a GitHub App installation, a service account). */
  account: z.string().min(1).max(200),
  /** Where the connection's credential may be used: hosts, path prefixes, methods (connection-narrowing.ts). */
  narrowing: connectionNarrowingSchema.optional(),
});
export type Connection = z.infer<typeof connectionSchema>;

export const egressRuleSchema = z
  .object({
    /** `api.github.com` or `*.googleapis.com` (any subdomain, not the apex). */
    host: z.string().min(1).max(253),
    ports: z.array(z.number().int().min(1).max(65535)).min(1),
  })
  .strict();
export type EgressRule = z.infer<typeof egressRuleSchema>;

/** Workspace memory namespaces: plain names; channel namespaces are `channel:<id>`. */
export const workspaceNamespaceSchema = identifierSchema;

/**
 * The whole agent identity baseline of a workspace, as a client PUTs it. The decider turns the
 * difference to the current baseline into granular events; omitted lists mean empty.
 */
export const agentIdentityDocumentSchema = z
  .object({
    connections: z.array(connectionSchema).default([]),
    repositories: z.array(z.string().min(1).max(200)).default([]),
    skills: z.array(skillNameSchema).default([]),
    instructions: z.string().max(20_000).default(''),
    egress: z.array(egressRuleSchema).default([]),
    invokePolicy: invokePolicySchema.default(defaultInvokePolicy),
    /** Workspace-wide guardrails nothing can lift, JIT grants included. */
    forbidden: z.array(permissionRuleSchema).default([]),
    /** Shared memory namespaces channels may list. */
    memoryNamespaces: z.array(workspaceNamespaceSchema).default([]),
    /** Identity-aware overlays: what the invoker must satisfy for the agent to act for them. */
    overlays: z.array(overlayRuleSchema).default([]),
  })
  .strict();

export type AgentIdentityDocument = z.output<typeof agentIdentityDocumentSchema>;
export type AgentIdentityDocumentInput = z.input<typeof agentIdentityDocumentSchema>;
