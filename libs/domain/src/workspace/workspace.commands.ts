import type { CommandContext } from '../common/command';
import type { WorkspaceRole } from '../common/workspace-role';
import type { ConnectorDefinitionInput } from '../connectors/connector-definition';
import type { SwitchIdentity } from '../kill-switch/kill-switch.decisions';

export type WorkspaceCommand =
  | (CommandContext & {
      type: 'CreateWorkspace';
      workspaceId: string;
      name: string;
      /** Resolved by the edge from configuration (PLATFORM_ADMINS). */
      actorIsPlatformAdmin: boolean;
    })
  | (CommandContext & { type: 'RenameWorkspace'; name: string })
  | (CommandContext & { type: 'GrantMemberRole'; principalId: string; role: WorkspaceRole })
  | (CommandContext & { type: 'RevokeMemberRole'; principalId: string; role: WorkspaceRole })
  | (CommandContext & { type: 'CreateGroup'; groupId: string; name: string })
  | (CommandContext & { type: 'AddGroupMember'; groupId: string; principalId: string })
  | (CommandContext & { type: 'RemoveGroupMember'; groupId: string; principalId: string })
  | (CommandContext & { type: 'RegisterConnector'; connector: ConnectorDefinitionInput })
  | (CommandContext & { type: 'BindService'; serviceId: string })
  | (CommandContext & { type: 'UnbindService'; serviceId: string })
  | (CommandContext & SwitchIdentity);
