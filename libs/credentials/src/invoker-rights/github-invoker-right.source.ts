import {
  agentIdentityDecider,
  agentIdentityStreamId,
  baselineOf,
  credentialDecider,
  credentialStreamId,
  DomainError,
  type InvokerPermission,
} from '@mandate/domain';
import { type EventStore, foldStream } from '@mandate/event-store';
import { type GithubAppCredential, parseCredential } from '../credential-kinds';
import type { CredentialVault } from '../credential-vault.port';
import type { UpstreamHttpOptions } from '../leases/upstream-http';
import { GithubInvokerRights } from './github-invoker-right';

/** What a connector says an account may do on a resource (GitHub: a repository permission). */
export interface InvokerRightSource {
  permission(
    workspaceId: string,
    connector: string,
    resource: string,
    login: string,
  ): Promise<InvokerPermission>;
}

const unavailable = (message: string) => new DomainError('unavailable', 'invoker-right-unavailable', message);

/**
 * Asks GitHub through the workspace's own GitHub App: the first baseline connection to GitHub
 * holding a `github-app` credential mints a token for the one repository (metadata read) and asks
 * for the login's permission there. Nothing of the invoker's own credentials is used or needed.
 * The API and the gateway each ask through it, from the log and the vault they both hold.
 */
export class GithubAppInvokerRightSource implements InvokerRightSource {
  private readonly github: GithubInvokerRights;

  constructor(
    private readonly store: EventStore,
    private readonly vault: CredentialVault,
    upstream: UpstreamHttpOptions = {},
  ) {
    this.github = new GithubInvokerRights(upstream);
  }

  async permission(
    workspaceId: string,
    connector: string,
    resource: string,
    login: string,
  ): Promise<InvokerPermission> {
    if (connector !== 'github') throw unavailable(`${connector} cannot tell what an invoker may do`);
    const [owner, name] = resource.split('/');
    if (owner === undefined || name === undefined) throw unavailable(`${resource} is no repository`);
    const credential = await this.appCredential(workspaceId);
    return this.github.permission(credential, { owner, name }, login);
  }

  private async appCredential(workspaceId: string): Promise<GithubAppCredential> {
    const identity = await foldStream(this.store, agentIdentityDecider, agentIdentityStreamId(workspaceId));
    for (const connection of baselineOf(identity).connections) {
      if (connection.connector !== 'github') continue;
      const ref = { workspaceId, connectionId: connection.id };
      const stored = await foldStream(
        this.store,
        credentialDecider,
        credentialStreamId(workspaceId, connection.id),
      );
      if (stored.status !== 'stored' || stored.kind !== 'github-app' || stored.vaultVersion === null)
        continue;
      const text = await this.vault.get(ref, stored.vaultVersion);
      const parsed = text === undefined ? undefined : parseCredential(JSON.parse(text));
      if (parsed?.ok === true && parsed.credential.kind === 'github-app') return parsed.credential;
    }
    throw unavailable('No GitHub connection of the workspace holds a GitHub App credential to ask with');
  }
}
