import { z } from 'zod';
import { identifierSchema, principalIdSchema } from '../common/identifiers';
import { workspaceRoleSchema } from '../common/workspace-role';
import { connectorDefinitionSchema } from '../connectors/connector-definition';
import { workspaceSwitchEvents } from '../kill-switch/kill-switch.events';
import { eventSchemasOf, type EventsOf } from '../shared';

const nameSchema = z.string().min(1).max(100);
const memberRole = z.object({ principalId: principalIdSchema, role: workspaceRoleSchema });
const groupMember = z.object({ groupId: identifierSchema, principalId: principalIdSchema });
/** A service principal's subject (its `sub`, a client id in jwks mode). */
const boundService = z.object({ serviceId: principalIdSchema });

const workspaceEvents = {
  WorkspaceCreated: z.object({ workspaceId: identifierSchema, name: nameSchema }),
  WorkspaceRenamed: z.object({ name: nameSchema }),
  MemberRoleGranted: memberRole,
  MemberRoleRevoked: memberRole,
  GroupCreated: z.object({ groupId: identifierSchema, name: nameSchema }),
  GroupMemberAdded: groupMember,
  GroupMemberRemoved: groupMember,
  ConnectorRegistered: z.object({ connector: connectorDefinitionSchema }),
  ServiceBound: boundService,
  ServiceUnbound: boundService,
  ...workspaceSwitchEvents,
};

export type WorkspaceEvent = EventsOf<typeof workspaceEvents>;
export const workspaceEventSchemas = eventSchemasOf(workspaceEvents);
export const workspaceNameSchema = nameSchema;
export const boundServiceSchema = boundService;
