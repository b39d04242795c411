import { z } from 'zod';
import { identifierSchema, skillNameSchema } from '../common/identifiers';
import { invokePolicySchema } from '../common/invoke-policy';
import { overlayRuleSchema } from '../permissions/overlay-rule';
import { permissionRuleSchema } from '../permissions/permission-rule';
import { eventSchemasOf, type EventsOf } from '../shared';
import { connectionSchema, egressRuleSchema, workspaceNamespaceSchema } from './agent-identity.document';
import { connectionNarrowingSchema } from './connection-narrowing';

const connectionId = identifierSchema;
const listChange = { added: z.array(z.string()), removed: z.array(z.string()) };
const repository = z.object({ repository: z.string().min(1) });
const skill = z.object({ skill: skillNameSchema });
const namespace = z.object({ namespace: workspaceNamespaceSchema });

/** Granular baseline changes, so history shows exactly what changed (and the envelope, who). */
const agentIdentityEvents = {
  ConnectionAdded: z.object({ connection: connectionSchema }),
  ConnectionRemoved: z.object({ connectionId }),
  ConnectionAccountChanged: z.object({ connectionId, account: z.string().min(1) }),
  ConnectionActionsChanged: z.object({ connectionId, actions: z.array(z.string()), ...listChange }),
  ConnectionResourcesChanged: z.object({ connectionId, resources: z.array(z.string()), ...listChange }),
  /** The narrowing in canonical form; null: the connection is no longer narrowed. */
  ConnectionNarrowingChanged: z.object({ connectionId, narrowing: connectionNarrowingSchema.nullable() }),
  RepositoryAdded: repository,
  RepositoryRemoved: repository,
  SkillEnabled: skill,
  SkillDisabled: skill,
  StandingInstructionsChanged: z.object({ instructions: z.string() }),
  EgressRuleAdded: z.object({ rule: egressRuleSchema }),
  EgressRuleRemoved: z.object({ host: z.string() }),
  EgressPortsChanged: z.object({ host: z.string(), ports: z.array(z.number().int()) }),
  InvokePolicyChanged: z.object({ policy: invokePolicySchema }),
  ForbidRuleAdded: z.object({ rule: permissionRuleSchema }),
  ForbidRuleChanged: z.object({ rule: permissionRuleSchema }),
  ForbidRuleRemoved: z.object({ ruleId: identifierSchema }),
  MemoryNamespaceAdded: namespace,
  MemoryNamespaceRemoved: namespace,
  OverlayRuleAdded: z.object({ rule: overlayRuleSchema }),
  OverlayRuleChanged: z.object({ rule: overlayRuleSchema }),
  OverlayRuleRemoved: z.object({ ruleId: identifierSchema }),
};

export type AgentIdentityEvent = EventsOf<typeof agentIdentityEvents>;
export const agentIdentityEventSchemas = eventSchemasOf(agentIdentityEvents);
