import type { Connection, EgressRule } from '../agent-identity/agent-identity.document';

/** What a bundle holds: its document in canonical form (sorted, deduplicated lists). */
export interface AccessBundleContent {
  name: string;
  connections: Connection[];
  repositories: string[];
  skills: string[];
  instructions: string;
  domains: EgressRule[];
}

export interface AccessBundleBody extends AccessBundleContent {
  bundleId: string;
  workspaceId: string;
  /** Where it is attached now; channels sorted. */
  attachedTo: { workspace: boolean; channels: string[] };
}

export type AccessBundleState =
  | { status: 'absent' }
  | ({ status: 'active' } & AccessBundleBody)
  | ({ status: 'retired' } & AccessBundleBody);
export type ActiveAccessBundle = Extract<AccessBundleState, { status: 'active' }>;

export const emptyBundleContent: AccessBundleContent = {
  name: '',
  connections: [],
  repositories: [],
  skills: [],
  instructions: '',
  domains: [],
};

/** Bundle ids are unique within their workspace; neither holds a dot, so the stream id is unambiguous. */
export const accessBundleStreamId = (workspaceId: string, bundleId: string): string =>
  `access-bundle-${workspaceId}.${bundleId}`;
