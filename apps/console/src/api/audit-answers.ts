import type { paths } from '@mandate/client/openapi';

/*
 * The audit routes describe their parameters in /openapi.json but not yet their answers
 * (`content?: never`), so the fields the console reads are written out here, as docs/audit.md
 * specifies them. Parameters stay generated: a filter the API does not have fails the type check.
 */

export type AuditEventsQuery = NonNullable<
  paths['/v1/workspaces/{workspaceId}/audit/events']['get']['parameters']['query']
>;

export interface AuditActor {
  kind: string;
  id: string;
}

export interface AuditEvent {
  globalPosition: number;
  type: string;
  occurredAt: string;
  actor: AuditActor;
  data: unknown;
  metadata: { correlationId: string };
}

/** The humans behind a JIT grant, as of the position asked about. */
export interface GrantTrail {
  grantId: string;
  requestId: string;
  requestedBy: string | null;
  invokedBy: string | null;
  reason: string | null;
  mode: string;
  approvers: string[];
  grantedAt: string | null;
  expiresAt: string | null;
  events: number[];
}

export interface AuditEventsPage {
  events: AuditEvent[];
  nextCursor: string | null;
  hasMore: boolean;
  grants: Record<string, GrantTrail>;
  indexedThrough: number;
}

export interface AccessVerdict {
  channelId: string;
  reason: string;
  through: { layer: string; rule: string; grantId?: string; expiresAt?: string; pattern?: string };
  grant?: GrantTrail;
}

export interface AccessReport {
  at: string;
  position: number;
  question: { connector: string; action: string; resource: string };
  allowed: AccessVerdict[];
  denied: AccessVerdict[];
}

export interface ChangeEntry {
  channelId: string;
  effect: string;
  source: string;
  rule: string;
  connector: string;
  actions: string[];
  resources: string[];
}

export interface ChangesReport {
  from: { at: string; position: number };
  to: { at: string; position: number };
  changes: {
    change: 'added' | 'removed';
    entry: ChangeEntry;
    expired?: boolean;
    causes: { globalPosition: number; type: string; occurredAt: string; actor: AuditActor }[];
  }[];
}

export interface Checkpoint {
  position: number;
  headHash: string;
  signedAt: string;
  keyId: string;
  verified: boolean;
}

export interface ChainReport {
  ok: boolean;
  verified: { from: number; through: number };
  head: number;
  firstBad: { position: number; problem: string; message: string } | null;
  latestCheckpoint: Checkpoint | null;
  checkpointsChecked: number;
  durationMs: number;
}
