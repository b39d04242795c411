import {
  type AccessBundleState,
  type AgentIdentityBaseline,
  BASELINE_BUNDLE_ID,
  type Connection,
  type EgressRule,
} from '@mandate/domain';

export interface BundleView {
  bundleId: string;
  name: string;
  status: 'active' | 'retired';
  implicit: boolean;
  connections: Connection[];
  repositories: string[];
  skills: string[];
  instructions: string;
  domains: EgressRule[];
  attachedTo: { workspace: boolean; channels: string[] };
  revision: number;
}

/** The baseline read as the workspace scope's bundle: always attached there, changed through its own document. */
export const baselineBundleView = (baseline: AgentIdentityBaseline, revision: number): BundleView => ({
  bundleId: BASELINE_BUNDLE_ID,
  name: 'Workspace baseline',
  status: 'active',
  implicit: true,
  connections: baseline.connections,
  repositories: baseline.repositories,
  skills: baseline.skills,
  instructions: baseline.instructions,
  domains: baseline.egress,
  attachedTo: { workspace: true, channels: [] },
  revision,
});

export function bundleView(
  state: Exclude<AccessBundleState, { status: 'absent' }>,
  revision: number,
  visibleChannel: (channelId: string) => boolean,
): BundleView {
  const { bundleId, name, status, connections, repositories, skills, instructions, domains } = state;
  return {
    bundleId,
    name,
    status,
    implicit: false,
    connections,
    repositories,
    skills,
    instructions,
    domains,
    attachedTo: {
      workspace: state.attachedTo.workspace,
      channels: state.attachedTo.channels.filter(visibleChannel),
    },
    revision,
  };
}
