import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@mandate/auth';
import {
  type CredentialVault,
  organizationSecretRef,
  parseCredential,
  VaultError,
} from '@mandate/credentials';
import {
  credentialDecider,
  DomainError,
  organizationCredentialDecider,
  type OrganizationCredentialCommand,
  organizationCredentialStreamId,
  organizationEnvelopeId,
  type OrganizationState,
} from '@mandate/domain';
import type { EventStore } from '@mandate/event-store';
import { type CommandOutcome, CommandRunner, foldHistory } from '../core/command-runner';
import { EVENT_STORE } from '../event-store/event-store.module';
import { ProjectionService } from '../core/projection.service';
import { CREDENTIAL_VAULT } from '../credentials/credential-vault.provider';
import type { CredentialMetadataView } from '../credentials/credentials.service';
import { OrganizationsService } from './organizations.service';

/** What `GET …/credential` shows of an organization's: never the secret (uses are the members'). */
export type OrganizationCredentialMetadataView = Omit<CredentialMetadataView, 'lastUsedAt'>;

const vaultUnavailable = (error: unknown): never => {
  throw new DomainError(
    'unavailable',
    'vault-unavailable',
    'The credential vault is unavailable; retry later',
    [],
    {
      reason: error instanceof VaultError ? error.code : 'vault-error',
    },
  );
};

/**
 * An organization's connection credentials, write-only: stored once, in the vault under the
 * organization's own key (never a member's), by its owners only, whose authority is folded from
 * the organization's stream on every call. The vault is written first so an event never names a
 * secret the vault lacks; refusals the decider would make come before the vault is touched.
 */
@Injectable()
export class OrganizationCredentialsService {
  constructor(
    private readonly commands: CommandRunner,
    private readonly projections: ProjectionService,
    private readonly organizations: OrganizationsService,
    @Inject(CREDENTIAL_VAULT) private readonly vault: CredentialVault,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async put(
    principal: Principal,
    organizationId: string,
    connectionId: string,
    body: unknown,
  ): Promise<CommandOutcome> {
    const { state: organization } = await this.organizations.owned(principal, organizationId);
    const parsed = parseCredential(body);
    if (!parsed.ok) {
      throw new DomainError('validation', parsed.code, parsed.message, [
        { path: `body.${parsed.field}`, message: parsed.message.replace(`${parsed.field}: `, '') },
      ]);
    }
    const { credential } = parsed;
    const connectionExists = await this.hasConnection(organizationId, connectionId);
    const ref = organizationSecretRef(organizationId, connectionId);
    const record = (vaultVersion: number | null, fingerprint: string | null) =>
      this.run(principal, organization, connectionId, {
        type: 'StoreOrganizationCredential',
        kind: credential.kind,
        connectionExists,
        vaultVersion,
        fingerprint,
      });
    if (!connectionExists) return record(null, null);
    if (credential.kind === 'mandate-jwt') {
      // Mandate signs from now on: a secret stored before has no use left and is shredded.
      const outcome = await record(null, null);
      await this.vault.destroy(ref).catch(vaultUnavailable);
      return outcome;
    }
    const stored = await this.vault.put(ref, JSON.stringify(credential)).catch(vaultUnavailable);
    return record(stored.version, stored.fingerprint);
  }

  async metadata(
    principal: Principal,
    organizationId: string,
    connectionId: string,
  ): Promise<OrganizationCredentialMetadataView> {
    await this.organizations.owned(principal, organizationId);
    const history = await this.store.readStream(organizationCredentialStreamId(organizationId, connectionId));
    const state = foldHistory(credentialDecider, history);
    const last = history.at(-1);
    if (state.status !== 'stored' || last === undefined) {
      throw new DomainError('not_found', 'credential-not-found', 'The connection has no credential');
    }
    const { kind, version, fingerprint } = state;
    const createdBy = { kind: last.actor.kind, id: last.actor.id };
    return { connectionId, kind, version, fingerprint, createdAt: last.occurredAt, createdBy };
  }

  /** The event first (the log says it is gone), then every version is shredded. */
  async destroy(principal: Principal, organizationId: string, connectionId: string): Promise<CommandOutcome> {
    const { state: organization } = await this.organizations.owned(principal, organizationId);
    const ref = organizationSecretRef(organizationId, connectionId);
    const outcome = await this.run(principal, organization, connectionId, {
      type: 'DestroyOrganizationCredential',
    }).catch(async (error: unknown) => {
      // A shred that failed after its event is completed by retrying.
      if (error instanceof DomainError && error.code === 'credential-not-found') {
        await this.vault.destroy(ref).catch(vaultUnavailable);
      }
      throw error;
    });
    await this.vault.destroy(ref).catch(vaultUnavailable);
    return outcome;
  }

  private run(
    principal: Principal,
    organization: OrganizationState,
    connectionId: string,
    change: OrganizationCredentialChange,
  ): Promise<CommandOutcome> {
    const organizationId = organization.status === 'active' ? organization.organizationId : '';
    return this.commands.run(
      organizationCredentialDecider,
      organizationCredentialStreamId(organizationId, connectionId),
      (context) => ({ ...change, organization, connectionId, ...context }) as OrganizationCredentialCommand,
      { workspaceId: organizationEnvelopeId(organizationId), principal, issuesIn: 'params' },
    );
  }

  /** An active bundle of the organization holds the connection (one credential per id). */
  private async hasConnection(organizationId: string, connectionId: string): Promise<boolean> {
    await this.projections.reachHead();
    const bundles =
      this.projections.projection.organization(organizationId)?.permissions.bundles.values() ?? [];
    for (const bundle of bundles) {
      if (bundle.status === 'active' && bundle.connections.some(({ id }) => id === connectionId)) return true;
    }
    return false;
  }
}

/** A command less what every call adds: the organization, the connection and the context. */
type OrganizationCredentialChange = OrganizationCredentialCommand extends infer Command
  ? Command extends OrganizationCredentialCommand
    ? Omit<Command, 'organization' | 'connectionId' | 'actor' | 'now'>
    : never
  : never;
