import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Principal } from '@mandate/auth';
import { type CredentialVault, parseCredential, VaultError } from '@mandate/credentials';
import {
  agentIdentityDecider,
  agentIdentityStreamId,
  baselineOf,
  type CredentialCommand,
  credentialDecider,
  type CredentialKind,
  credentialStreamId,
  DomainError,
  isWorkspaceAdmin,
  rolesHeldBy,
  workspaceDecider,
  workspaceStreamId,
} from '@mandate/domain';
import { EVENT_STORE } from '../event-store/event-store.module';
import type { EventStore } from '@mandate/event-store';
import { type CommandOutcome, CommandRunner } from '../core/command-runner';
import { CredentialUseView } from '../credential-use/credential-use.view';
import { CREDENTIAL_VAULT } from './credential-vault.provider';
import { ProjectionService } from '../core/projection.service';

/** What `GET …/credential` shows: never the secret, only what identifies and dates it. */
export interface CredentialMetadataView {
  connectionId: string;
  kind: CredentialKind;
  version: number;
  fingerprint: string | null;
  createdAt: string;
  createdBy: { kind: string; id: string };
  /** When a lease was last minted from it or the gateway last injected it (null: not since stored). */
  lastUsedAt: string | null;
}

/** How long a metadata read waits for the credential-use view to hold what was just written. */
const USE_VIEW_WAIT_MS = 1000;

const workspaceNotFound = () => new DomainError('not_found', 'workspace-not-found', 'Workspace not found');
/** A vault that cannot be reached is a 503 the caller may retry; its message never holds a secret. */
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

const credentialNotFound = () =>
  new DomainError('not_found', 'credential-not-found', 'The connection has no credential');

/**
 * Stores a connection's credential write-only: the body is parsed into its kind, the secret goes
 * to the vault, and the `credential-…` stream records its kind, version and fingerprint. The vault
 * is written first so an event never names a secret the vault lacks; a refusal after that (a
 * racing role change) leaves an unreferenced vault version that no read path reaches.
 */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly commands: CommandRunner,
    @Inject(CREDENTIAL_VAULT) private readonly vault: CredentialVault,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly credentialUse: CredentialUseView,
    private readonly modules: ModuleRef,
  ) {}

  async put(
    principal: Principal,
    workspaceId: string,
    connectionId: string,
    body: unknown,
  ): Promise<CommandOutcome> {
    const parsed = parseCredential(body);
    if (!parsed.ok) {
      throw new DomainError('validation', parsed.code, parsed.message, [
        { path: `body.${parsed.field}`, message: parsed.message.replace(`${parsed.field}: `, '') },
      ]);
    }
    const callerRoles = await this.callerRoles(principal, workspaceId);
    const connectionExists = await this.hasConnection(workspaceId, connectionId);
    const base = { type: 'StoreCredential' as const, workspaceId, connectionId, callerRoles };
    const { credential } = parsed;
    // Refusals the decider would make (role, unknown connection) come before the vault is touched.
    const check = (vaultVersion: number | null, fingerprint: string | null) =>
      this.commands.run(
        credentialDecider,
        credentialStreamId(workspaceId, connectionId),
        (context): CredentialCommand => ({
          ...base,
          kind: credential.kind,
          connectionExists,
          vaultVersion,
          fingerprint,
          ...context,
        }),
        { workspaceId, principal, issuesIn: 'params' },
      );
    if (!connectionExists || !isWorkspaceAdmin(callerRoles)) {
      return check(null, null);
    }
    if (credential.kind === 'mandate-jwt') {
      // Mandate signs from now on: a secret stored before has no use left and is shredded.
      const outcome = await check(null, null);
      await this.vault.destroy({ workspaceId, connectionId }).catch(vaultUnavailable);
      return outcome;
    }
    const stored = await this.vault
      .put({ workspaceId, connectionId }, JSON.stringify(credential))
      .catch(vaultUnavailable);
    return check(stored.version, stored.fingerprint);
  }

  async metadata(workspaceId: string, connectionId: string): Promise<CredentialMetadataView> {
    await this.activeWorkspace(workspaceId);
    const history = await this.store.readStream(credentialStreamId(workspaceId, connectionId));
    const last = history.at(-1);
    if (!last || last.type === 'CredentialDestroyed') throw credentialNotFound();
    // Uses are read from the log (no write per use): the view catches up with it first, bounded.
    await this.credentialUse.reachHead(USE_VIEW_WAIT_MS);
    const data = last.data as {
      kind: CredentialKind;
      version: number;
      fingerprint: string | null;
    };
    return {
      connectionId,
      kind: data.kind,
      version: data.version,
      fingerprint: data.fingerprint,
      createdAt: last.occurredAt,
      createdBy: { kind: last.actor.kind, id: last.actor.id },
      lastUsedAt: this.credentialUse.lastUsedAt(workspaceId, connectionId),
    };
  }

  /**
   * The event first (the log says it is gone), then the vault shreds every version. An admin's
   * DELETE on a credential already destroyed shreds again, so a shred that failed after its event
   * is completed by retrying.
   */
  async destroy(principal: Principal, workspaceId: string, connectionId: string): Promise<CommandOutcome> {
    const callerRoles = await this.callerRoles(principal, workspaceId);
    const ref = { workspaceId, connectionId };
    const outcome = await this.commands
      .run(
        credentialDecider,
        credentialStreamId(workspaceId, connectionId),
        (context): CredentialCommand => ({
          type: 'DestroyCredential',
          workspaceId,
          connectionId,
          callerRoles,
          ...context,
        }),
        { workspaceId, principal, issuesIn: 'params' },
      )
      .catch(async (error: unknown) => {
        if (error instanceof DomainError && error.code === 'credential-not-found') {
          await this.vault.destroy(ref).catch(vaultUnavailable);
        }
        throw error;
      });
    await this.vault.destroy(ref).catch(vaultUnavailable);
    return outcome;
  }

  private async activeWorkspace(workspaceId: string) {
    const { state } = await this.commands.fold(workspaceDecider, workspaceStreamId(workspaceId));
    if (state.status !== 'active') throw workspaceNotFound();
    return state;
  }

  private async callerRoles(principal: Principal, workspaceId: string) {
    return rolesHeldBy(await this.activeWorkspace(workspaceId), principal);
  }

  private async hasConnection(workspaceId: string, connectionId: string): Promise<boolean> {
    const { state } = await this.commands.fold(agentIdentityDecider, agentIdentityStreamId(workspaceId));
    if (baselineOf(state).connections.some((connection) => connection.id === connectionId)) return true;
    // An access bundle's connection holds its credential under its id too (one credential per id).
    // The projection is looked up, not injected: the permissions module already imports this one.
    const projections = this.modules.get(ProjectionService, { strict: false });
    await projections.reachHead();
    const bundles = projections.projection.workspace(workspaceId)?.bundles.values() ?? [];
    for (const bundle of bundles) {
      if (
        bundle.status === 'active' &&
        bundle.connections.some((connection) => connection.id === connectionId)
      )
        return true;
    }
    return false;
  }
}
