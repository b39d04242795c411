import type { WorkspaceCaller } from '../common/command';
import type { ConnectorCatalog } from '../connectors/connector-catalog';
import type { AgentIdentityDocumentInput } from './agent-identity.document';

export type AgentIdentityCommand = WorkspaceCaller & {
  type: 'ApplyAgentIdentityDocument';
  document: AgentIdentityDocumentInput;
  /** Built-in plus the workspace's registered connectors, resolved by the edge. */
  catalog: ConnectorCatalog;
};
