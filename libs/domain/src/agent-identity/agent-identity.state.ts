import { defaultInvokePolicy } from '../common/invoke-policy';
import type { AgentIdentityDocument } from './agent-identity.document';

/** The baseline is the normalized document (sorted, deduplicated lists). */
export type AgentIdentityBaseline = AgentIdentityDocument;

export type AgentIdentityState = { status: 'unset' } | { status: 'defined'; baseline: AgentIdentityBaseline };

export const emptyBaseline: AgentIdentityBaseline = {
  connections: [],
  repositories: [],
  skills: [],
  instructions: '',
  egress: [],
  invokePolicy: defaultInvokePolicy,
  forbidden: [],
  memoryNamespaces: [],
  overlays: [],
};

export const baselineOf = (state: AgentIdentityState): AgentIdentityBaseline =>
  state.status === 'defined' ? state.baseline : emptyBaseline;

/** One stream per workspace baseline, apart from membership, so its revision is the document's. */
export const agentIdentityStreamId = (workspaceId: string): string => `agent-identity-${workspaceId}`;
