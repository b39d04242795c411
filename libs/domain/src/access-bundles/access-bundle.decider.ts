import { isWorkspaceAdmin } from '../common/workspace-role';
import { assertNever, type Decider, DomainError, parseOrThrow, throwIfIssues } from '../shared';
import type { AccessBundleCommand } from './access-bundle.commands';
import { diffBundle, normalizeBundle } from './access-bundle.diff';
import { accessBundleDocumentSchema, BASELINE_BUNDLE_ID, type BundleScope } from './access-bundle.document';
import type { AccessBundleEvent } from './access-bundle.events';
import { evolveAccessBundle } from './access-bundle.evolve';
import { validateBundleDocument } from './access-bundle.validation';
import {
  type AccessBundleBody,
  type AccessBundleState,
  type ActiveAccessBundle,
  emptyBundleContent,
} from './access-bundle.state';

const bundleNotFound = () => new DomainError('not_found', 'bundle-not-found', 'Access bundle not found');
const channelNotFound = () => new DomainError('not_found', 'channel-not-found', 'Channel not found');

function requireWorkspaceAdmin(command: AccessBundleCommand, what: string): void {
  if (isWorkspaceAdmin(command.callerRoles)) return;
  throw new DomainError('forbidden', 'not-workspace-admin', `Only a workspace owner or admin may ${what}`);
}

function requireActive(state: AccessBundleState): ActiveAccessBundle {
  if (state.status === 'absent') throw bundleNotFound();
  if (state.status === 'retired') {
    throw new DomainError('conflict', 'bundle-retired', 'The access bundle is retired; create another');
  }
  return state;
}

export const isAttached = (bundle: AccessBundleBody, scope: BundleScope): boolean =>
  scope.scope === 'workspace'
    ? bundle.attachedTo.workspace
    : bundle.attachedTo.channels.includes(scope.channelId);

/** Every scope the bundle is attached to, the workspace first. */
export const attachmentsOf = (bundle: AccessBundleBody): BundleScope[] => [
  ...(bundle.attachedTo.workspace ? [{ scope: 'workspace' as const }] : []),
  ...bundle.attachedTo.channels.map((channelId) => ({ scope: 'channel' as const, channelId })),
];

function applyDocument(
  command: Extract<AccessBundleCommand, { type: 'ApplyAccessBundleDocument' }>,
  state: AccessBundleState,
): AccessBundleEvent[] {
  requireWorkspaceAdmin(command, 'change access bundles');
  const document = parseOrThrow(accessBundleDocumentSchema, command.document, 'invalid-document');
  throwIfIssues(validateBundleDocument(document, command.catalog));
  const desired = normalizeBundle(document);
  if (state.status === 'absent') {
    const { bundleId, workspaceId } = command;
    return [
      { type: 'AccessBundleCreated', data: { bundleId, workspaceId, name: desired.name } },
      ...diffBundle({ ...emptyBundleContent, name: desired.name }, desired),
    ];
  }
  return diffBundle(requireActive(state), desired);
}

/** A scope naming a channel must name one that exists and is not archived. */
function requireScopeChannel(command: Extract<AccessBundleCommand, { scope: BundleScope }>): void {
  if (command.scope.scope === 'workspace') return;
  if (command.channel.status === 'absent') throw channelNotFound();
  if (command.channel.status === 'archived') {
    throw new DomainError('conflict', 'channel-archived', 'The channel is archived');
  }
}

/** The baseline is the workspace scope's implicit bundle: changed through its own document, always attached. */
function refuseBaseline(command: AccessBundleCommand): void {
  if (command.bundleId !== BASELINE_BUNDLE_ID) return;
  // A conflict, not a malformed id: `baseline` is a valid id, taken by the built-in bundle.
  throw new DomainError(
    'conflict',
    'reserved-bundle-id',
    `"${BASELINE_BUNDLE_ID}" names the workspace baseline, always attached to the workspace; change it with PUT …/agent-identity`,
  );
}

function decide(command: AccessBundleCommand, state: AccessBundleState): AccessBundleEvent[] {
  refuseBaseline(command);
  switch (command.type) {
    case 'ApplyAccessBundleDocument':
      return applyDocument(command, state);
    case 'AttachAccessBundle': {
      // Attaching adds to what the agent may do: to a channel it is an extension, a workspace admin's act.
      requireWorkspaceAdmin(command, 'attach access bundles');
      const bundle = requireActive(state);
      requireScopeChannel(command);
      return isAttached(bundle, command.scope) ? [] : [{ type: 'AccessBundleAttached', data: command.scope }];
    }
    case 'DetachAccessBundle': {
      // Detaching only takes away: a channel's own admins may do it for their channel. A channel
      // the caller may not see does not exist for them.
      const { scope, channel } = command;
      if (scope.scope === 'workspace')
        requireWorkspaceAdmin(command, 'detach access bundles from the workspace');
      else if (channel.status === 'absent') throw channelNotFound();
      else if (channel.callerRole !== 'admin')
        requireWorkspaceAdmin(command, 'detach access bundles from this channel');
      if (state.status === 'absent') throw bundleNotFound();
      return isAttached(state, scope) ? [{ type: 'AccessBundleDetached', data: scope }] : [];
    }
    case 'RetireAccessBundle': {
      requireWorkspaceAdmin(command, 'retire access bundles');
      if (state.status === 'absent') throw bundleNotFound();
      if (state.status === 'retired') return [];
      return [
        ...attachmentsOf(state).map((scope): AccessBundleEvent => ({
          type: 'AccessBundleDetached',
          data: scope,
        })),
        { type: 'AccessBundleRetired', data: {} },
      ];
    }
    default:
      return assertNever(command);
  }
}

export const accessBundleDecider: Decider<AccessBundleCommand, AccessBundleEvent, AccessBundleState> = {
  decide,
  evolve: evolveAccessBundle,
  initialState: () => ({ status: 'absent' }),
};
