import {
  type CredentialVault,
  parseCredential,
  type UpstreamCredential,
  type UpstreamMintRequest,
} from '@mandate/credentials';
import {
  accessBundleDecider,
  accessBundleStreamId,
  agentIdentityDecider,
  agentIdentityStreamId,
  baselineOf,
  createConnectorCatalog,
  credentialDecider,
  type Connection,
  DomainError,
  workspaceDecider,
  workspaceStreamId,
} from '@mandate/domain';
import { type EventStore, foldStream } from '@mandate/event-store';
import type { UpstreamLeaseClaims } from '@mandate/workflows';
import { credentialHolderOf, organizationConnectionOf } from './organization-connection.source';

const refuse = (code: string, message: string): DomainError =>
  new DomainError('unprocessable', code, message);

/** The credential a lease mints from, as the log and the vault say now: never as a payload says. */
export interface UpstreamSource extends UpstreamMintRequest {
  /** The vault version of the connection's credential: the lease's token is revoked with the same. */
  credentialVersion: number;
  /** The vault's owner key of that credential (a workspace's, or its organization's). */
  credentialOwner: string;
}

/**
 * Re-derives what minting relies on: the workspace is active, the connection is in its baseline
 * (or in the access bundle the request names, attached where it reaches the lease's channel)
 * for the connector the API named (with its narrowing, which bounds the token), the connection's
 * stored credential is of the kind the API named, and the vault holds that version. A payload that
 * disagrees with the log is refused.
 */
export async function upstreamSourceOf(
  store: Pick<EventStore, 'readStream'>,
  vault: CredentialVault,
  request: UpstreamLeaseClaims,
): Promise<UpstreamSource> {
  const { workspaceId, connectionId } = request;
  const workspace = await foldStream(store, workspaceDecider, workspaceStreamId(workspaceId));
  if (workspace.status !== 'active') {
    throw new DomainError('not_found', 'workspace-not-found', 'Workspace not found');
  }
  const connection =
    typeof request.organizationId === 'string'
      ? await organizationConnectionOf(store, request)
      : await connectionOf(store, request);
  const holder = credentialHolderOf(request);
  const connector = createConnectorCatalog(workspace.connectors).get(connection?.connector ?? '');
  if (connection === undefined || connector === undefined || connection.connector !== request.connector) {
    throw refuse('unknown-connection', 'The agent identity has no such connection for this connector');
  }
  const stored = await foldStream(store, credentialDecider, holder.streamId);
  if (stored.status !== 'stored' || stored.vaultVersion === null) {
    throw new DomainError('not_found', 'credential-not-found', 'The connection has no credential');
  }
  if (stored.kind !== request.credentialKind) {
    throw refuse('credential-kind-changed', 'The connection’s credential is no longer of the kind asked for');
  }
  const credential = await credentialAt(vault, holder.owner, connectionId, stored.vaultVersion);
  if (credential === undefined || credential.kind !== request.credentialKind) {
    throw new DomainError('not_found', 'credential-not-found', 'The connection has no credential');
  }
  return {
    connector,
    credential,
    credentialVersion: stored.vaultVersion,
    credentialOwner: holder.owner,
    actions: request.actions,
    resources: request.resources,
    ...(connection.narrowing === undefined ? {} : { narrowing: connection.narrowing }),
  };
}

/**
 * The connection as the log holds it now: in the baseline, or — when the decision point resolved it
 * from an access bundle (the narrowest scope holding the id, as checks resolve it) — in that bundle,
 * still active and attached to the workspace or to the lease's channel. Its narrowing bounds the token.
 */
async function connectionOf(
  store: Pick<EventStore, 'readStream'>,
  request: UpstreamLeaseClaims,
): Promise<Connection | undefined> {
  const { workspaceId, connectionId, bundleId, channelId } = request;
  const byId = (candidate: Connection) => candidate.id === connectionId;
  if (bundleId === undefined || bundleId === null) {
    const identity = await foldStream(store, agentIdentityDecider, agentIdentityStreamId(workspaceId));
    return baselineOf(identity).connections.find(byId);
  }
  const bundle = await foldStream(store, accessBundleDecider, accessBundleStreamId(workspaceId, bundleId));
  if (bundle.status !== 'active') return undefined;
  const { attachedTo } = bundle;
  const reaches =
    attachedTo.workspace || (typeof channelId === 'string' && attachedTo.channels.includes(channelId));
  return reaches ? bundle.connections.find(byId) : undefined;
}

/** A version of a connection's credential, parsed again (older versions gain the kinds' defaults). */
export async function credentialAt(
  vault: CredentialVault,
  /** The vault's owner key: a workspace id, or `organization:<id>`. */
  workspaceId: string,
  connectionId: string,
  version: number,
): Promise<UpstreamCredential | undefined> {
  const text = await vault.get({ workspaceId, connectionId }, version);
  if (text === undefined) return undefined;
  const parsed = parseCredential(JSON.parse(text));
  if (!parsed.ok) return undefined;
  const { credential } = parsed;
  return credential.kind === 'github-app' || credential.kind === 'oauth2-client' ? credential : undefined;
}
