import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  type CredentialVault,
  GithubInvokerRights,
  type GithubAppCredential,
  parseCredential,
  type UpstreamHttpOptions,
} from '@mandate/credentials';
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
import { CREDENTIAL_VAULT } from '../credentials/credential-vault.provider';
import { EVENT_STORE } from '../event-store/event-store.module';

/** What a connector says an account may do on a resource (GitHub: a repository permission). */
export interface InvokerRightSource {
  permission(
    workspaceId: string,
    connector: string,
    resource: string,
    login: string,
  ): Promise<InvokerPermission>;
}

export const INVOKER_RIGHT_SOURCE = Symbol('InvokerRightSource');
/** How the API reaches upstreams for invoker rights (a test's private CA); undici's defaults otherwise. */
export const INVOKER_RIGHT_UPSTREAM = Symbol('InvokerRightUpstream');

const unavailable = (message: string) => new DomainError('unavailable', 'invoker-right-unavailable', message);

/**
 * Asks GitHub through the workspace's own GitHub App: the first baseline connection to GitHub
 * holding a `github-app` credential mints a token for the one repository (metadata read) and asks
 * for the login's permission there. Nothing of the invoker's own credentials is used or needed.
 */
@Injectable()
export class GithubInvokerRightSource implements InvokerRightSource {
  private readonly github: GithubInvokerRights;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CREDENTIAL_VAULT) private readonly vault: CredentialVault,
    @Optional() @Inject(INVOKER_RIGHT_UPSTREAM) upstream: UpstreamHttpOptions | null,
  ) {
    this.github = new GithubInvokerRights(upstream ?? {});
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
