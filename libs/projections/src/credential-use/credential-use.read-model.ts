import type { CredentialKind, CredentialLeaseIssuedData } from '@mandate/domain';
import type { RecordedEvent } from '@mandate/event-store';
import type { ProjectionFailure } from '../effective-permissions/effective-permissions.projection';
import type { ReadModel, ReadModelSnapshot } from '../runner/read-model';

/** A live lease as a channel's identity shows it: what it covers and why, never its token. */
export type LiveLease = Pick<
  CredentialLeaseIssuedData,
  | 'leaseId'
  | 'channelId'
  | 'connectionId'
  | 'connector'
  | 'actions'
  | 'resources'
  | 'invokedBy'
  | 'grantId'
  | 'issuedAt'
  | 'expiresAt'
>;

interface WorkspaceLeases {
  byId: Map<string, LiveLease>;
  /** channel → lease id → lease, in issue order: a channel's identity reads its own leases only. */
  byChannel: Map<string, Map<string, LiveLease>>;
  /** Size at which expired leases are next swept out (mandate-jwt leases end by their clock alone). */
  sweepAt: number;
}

const MIN_SWEEP = 64;

const SNAPSHOT_FORMAT = 'credential-use/2';

/** What a restart resumes from instead of folding the log from its first event. */
export interface CredentialUseSnapshot extends ReadModelSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  leases: (LiveLease & { workspaceId: string })[];
  /** [workspace, connection, last use in ms]. */
  lastUse: [string, string, number][];
  /** [workspace, connection, kind of the credential stored now]. */
  kinds: [string, string, CredentialKind][];
}

/** The rule a gateway decision names when a connection allowed it (baseline or channel extension). */
const CONNECTION_RULE = /^(?:workspace\/connections|channel\/[^/]+\/extensions)\/([^/]+)$/;

/** The connector endpoint records its calls under `gateway:<request id>` (apps/gateway). */
const GATEWAY_KEY_PREFIX = 'gateway:';

type Data = Record<string, unknown>;

/**
 * How the agent's credentials are being used, from the log alone (no write per use):
 * - the leases still live, per workspace and channel, for `effective-identity`. A lease leaves when
 *   revoked or ended, or once its end has passed (swept as new leases arrive); readers still judge
 *   expiry by their clock. Memory follows the live leases, never the log's length.
 * - when each connection's credential was last used: a lease minted from it (`issuedAt`), or the
 *   gateway injecting it (an allowed `AgentActionAuthorized` recorded by the connector endpoint
 *   whose provenance names the connection). Forgotten when the credential is stored anew or
 *   destroyed; kept across a rotation.
 * - the kind of credential each connection holds now (none once destroyed), which the lease path
 *   reads instead of folding the credential's stream on every lease.
 */
export class CredentialUseReadModel implements ReadModel {
  private readonly leases = new Map<string, WorkspaceLeases>();
  private readonly lastUse = new Map<string, number>();
  private readonly kinds = new Map<string, CredentialKind>();
  private appliedPosition = 0;
  private appliedHash: string | null = null;
  private failureCount = 0;

  constructor(private readonly options: { onFailure?: (failure: ProjectionFailure) => void } = {}) {}

  snapshot(): CredentialUseSnapshot {
    const leases = [...this.leases].flatMap(([workspaceId, { byId }]) =>
      [...byId.values()].map((lease) => ({ workspaceId, ...lease })),
    );
    const lastUse = [...this.lastUse].map(([key, atMs]): [string, string, number] => {
      const [workspaceId, connectionId] = key.split('\u0000');
      return [workspaceId, connectionId, atMs];
    });
    const kinds = [...this.kinds].map(([key, kind]): [string, string, CredentialKind] => {
      const [workspaceId, connectionId] = key.split('\u0000');
      return [workspaceId, connectionId, kind];
    });
    return {
      format: SNAPSHOT_FORMAT,
      position: this.appliedPosition,
      lastHash: this.appliedHash,
      leases,
      lastUse,
      kinds,
    };
  }

  restore(snapshot: ReadModelSnapshot): void {
    const restored = snapshot as CredentialUseSnapshot;
    if (restored.format !== SNAPSHOT_FORMAT)
      throw new Error(`Unknown snapshot format ${String(restored.format)}`);
    this.leases.clear();
    this.lastUse.clear();
    this.kinds.clear();
    for (const { workspaceId, ...lease } of restored.leases) this.place(workspaceId, lease);
    for (const [workspaceId, connectionId, atMs] of restored.lastUse) {
      this.lastUse.set(useKey(workspaceId, connectionId), atMs);
    }
    for (const [workspaceId, connectionId, kind] of restored.kinds) {
      this.kinds.set(useKey(workspaceId, connectionId), kind);
    }
    this.appliedPosition = restored.position;
    this.appliedHash = restored.lastHash;
  }

  get position(): number {
    return this.appliedPosition;
  }

  get failures(): number {
    return this.failureCount;
  }

  /** The channel's leases live at `nowMs`, newest first. */
  liveLeases(workspaceId: string, channelId: string, nowMs: number): LiveLease[] {
    const inChannel = this.leases.get(workspaceId)?.byChannel.get(channelId);
    if (inChannel === undefined) return [];
    const live = [...inChannel.values()].filter((lease) => nowMs < Date.parse(lease.expiresAt));
    return live.reverse();
  }

  /** When the connection's current credential was last used (undefined: not since it was stored). */
  lastUsedAt(workspaceId: string, connectionId: string): string | undefined {
    const at = this.lastUse.get(useKey(workspaceId, connectionId));
    return at === undefined ? undefined : new Date(at).toISOString();
  }

  /** The kind of credential the connection holds now; undefined: none stored, or destroyed. */
  credentialKind(workspaceId: string, connectionId: string): CredentialKind | undefined {
    return this.kinds.get(useKey(workspaceId, connectionId));
  }

  applyPage(events: readonly RecordedEvent[]): void {
    for (const event of events) this.apply(event);
  }

  private apply(event: RecordedEvent): void {
    if (event.globalPosition <= this.appliedPosition) return;
    this.appliedPosition = event.globalPosition;
    this.appliedHash = event.hash;
    try {
      const data = event.data as Data;
      switch (event.type) {
        case 'CredentialLeaseIssued':
          return this.issued(event.workspaceId, data as unknown as CredentialLeaseIssuedData);
        case 'CredentialLeaseRevoked':
        case 'CredentialLeaseEnded':
          return this.gone(event.workspaceId, data.leaseId as string);
        case 'CredentialStored':
        case 'CredentialRotated':
        case 'CredentialDestroyed':
          return this.credential(event.type, useKey(event.workspaceId, data.connectionId as string), data);
        case 'AgentActionAuthorized':
          return this.gatewayCall(event.workspaceId, data, Date.parse(event.occurredAt));
        default:
          return;
      }
    } catch (error) {
      this.failureCount++;
      this.options.onFailure?.({ position: event.globalPosition, type: event.type, error });
    }
  }

  private issued(workspaceId: string, lease: CredentialLeaseIssuedData): void {
    const named = [lease.leaseId, lease.channelId, lease.connectionId, lease.issuedAt, lease.expiresAt];
    if (!named.every((value) => typeof value === 'string')) {
      throw new Error('CredentialLeaseIssued lacks the fields that place its lease');
    }
    const issuedAtMs = Date.parse(lease.issuedAt);
    this.used(workspaceId, lease.connectionId, issuedAtMs);
    const { leaseId, channelId, connectionId, connector, actions, resources, invokedBy, grantId } = lease;
    const inWorkspace = this.place(workspaceId, {
      leaseId,
      channelId,
      connectionId,
      connector,
      actions,
      resources,
      invokedBy,
      grantId,
      issuedAt: lease.issuedAt,
      expiresAt: lease.expiresAt,
    });
    if (inWorkspace.byId.size >= inWorkspace.sweepAt) {
      // Amortised: a sweep at most each time the live set doubles.
      for (const [id, candidate] of inWorkspace.byId) {
        if (Date.parse(candidate.expiresAt) <= issuedAtMs) this.gone(workspaceId, id);
      }
      inWorkspace.sweepAt = Math.max(MIN_SWEEP, inWorkspace.byId.size * 2);
    }
  }

  private place(workspaceId: string, lease: LiveLease): WorkspaceLeases {
    let inWorkspace = this.leases.get(workspaceId);
    if (inWorkspace === undefined) {
      inWorkspace = { byId: new Map(), byChannel: new Map(), sweepAt: MIN_SWEEP };
      this.leases.set(workspaceId, inWorkspace);
    }
    inWorkspace.byId.set(lease.leaseId, lease);
    let inChannel = inWorkspace.byChannel.get(lease.channelId);
    if (inChannel === undefined) {
      inChannel = new Map();
      inWorkspace.byChannel.set(lease.channelId, inChannel);
    }
    inChannel.set(lease.leaseId, lease);
    return inWorkspace;
  }

  private gone(workspaceId: string, leaseId: string): void {
    const inWorkspace = this.leases.get(workspaceId);
    const lease = inWorkspace?.byId.get(leaseId);
    if (inWorkspace === undefined || lease === undefined) return;
    inWorkspace.byId.delete(leaseId);
    const inChannel = inWorkspace.byChannel.get(lease.channelId);
    inChannel?.delete(leaseId);
    if (inChannel?.size === 0) inWorkspace.byChannel.delete(lease.channelId);
    if (inWorkspace.byId.size === 0) this.leases.delete(workspaceId);
  }

  /**
   * The connector endpoint reads the connection's credential right after recording an allowed
   * call, and names the connection in the event (a call a JIT grant allowed too). Calls recorded
   * before it did name the connection only through the rule that allowed them.
   */
  private gatewayCall(workspaceId: string, data: Data, atMs: number): void {
    const key = data.idempotencyKey;
    const decision = data.decision as { allowed?: boolean; provenance?: { rule?: string } } | undefined;
    if (typeof key !== 'string' || !key.startsWith(GATEWAY_KEY_PREFIX) || decision?.allowed !== true) return;
    const connectionId =
      typeof data.connectionId === 'string'
        ? data.connectionId
        : CONNECTION_RULE.exec(decision.provenance?.rule ?? '')?.[1];
    if (connectionId !== undefined) this.used(workspaceId, connectionId, atMs);
  }

  /** A credential stored anew or destroyed starts unused; a rotation keeps its last use. */
  private credential(type: string, key: string, data: Data): void {
    if (type !== 'CredentialRotated') this.lastUse.delete(key);
    if (type === 'CredentialDestroyed') this.kinds.delete(key);
    else this.kinds.set(key, data.kind as CredentialKind);
  }

  private used(workspaceId: string, connectionId: string, atMs: number): void {
    if (Number.isNaN(atMs)) return;
    const key = useKey(workspaceId, connectionId);
    this.lastUse.set(key, Math.max(atMs, this.lastUse.get(key) ?? 0));
  }
}

/** Workspace and connection ids are identifiers (no NUL), so the pair is unambiguous. */
const useKey = (workspaceId: string, connectionId: string) => `${workspaceId}\u0000${connectionId}`;
