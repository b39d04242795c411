import { Inject, Injectable } from '@nestjs/common';
import { whoCouldAccess, type AccessQuestion } from '@mandate/audit';
import type { AppConfig } from '@mandate/config';
import { DomainError, type Provenance } from '@mandate/domain';
import type { RecordedEvent } from '@mandate/event-store';
import { APP_CONFIG } from '../app.tokens';
import { CLOCK, type Clock } from '../clock';
import { ProjectionService } from '../core/projection.service';
import { AuditIndexService } from './audit-index.service';

/** The human decisions behind a JIT grant, from its request's events. */
export interface GrantTrail {
  grantId: string;
  requestId: string;
  requestedBy: string | null;
  invokedBy: string | null;
  reason: string | null;
  mode: string | null;
  approvers: string[];
  grantedAt: string | null;
  expiresAt: string | null;
  /** Log positions of the request's events up to the answer's position. */
  events: number[];
}

export interface ChannelAccessAnswer {
  channelId: string;
  reason: string;
  through: Provenance;
  grant?: GrantTrail;
}

export interface AccessReport {
  at: string;
  /** The workspace's last event at or before `at`: the state the answer comes from. */
  position: number;
  question: AccessQuestion;
  allowed: ChannelAccessAnswer[];
  denied: ChannelAccessAnswer[];
}

/**
 * Who could do something at an instant: every channel's agent identity evaluated against the
 * workspace as it was then (the same history `POST /v1/check` with `at` uses), and for JIT grants
 * the requester and approvers from the audit index.
 */
@Injectable()
export class AuditAccessService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly projections: ProjectionService,
    private readonly audit: AuditIndexService,
  ) {}

  async access(workspaceId: string, question: AccessQuestion, at?: string): Promise<AccessReport> {
    const { projection, history } = this.projections;
    if (projection.anyWorkspace(workspaceId) === undefined) {
      throw new DomainError('not_found', 'workspace-not-found', 'Workspace not found');
    }
    const nowMs = at === undefined ? this.clock.now().getTime() : Date.parse(at);
    const { permissions, position } =
      at === undefined
        ? { permissions: projection.anyWorkspace(workspaceId), position: projection.position }
        : await history.asOf(workspaceId, nowMs);
    const answers = permissions?.exists ? whoCouldAccess(permissions.compiled, question, nowMs) : [];
    await this.audit.waitFor(position, this.config.CHECK_MIN_POSITION_WAIT_MS);
    const report: AccessReport = {
      at: new Date(nowMs).toISOString(),
      position,
      question,
      allowed: [],
      denied: [],
    };
    for (const { channelId, decision } of answers) {
      const answer: ChannelAccessAnswer = {
        channelId,
        reason: decision.reason,
        through: decision.provenance,
      };
      const grantId = decision.provenance.grantId;
      if (grantId !== undefined) answer.grant = this.grantTrail(workspaceId, grantId, position);
      (decision.allowed ? report.allowed : report.denied).push(answer);
    }
    return report;
  }

  /**
   * The request's events up to `position` folded into who asked, why and who approved. A grant's
   * id is its request's id, and every event of the request carries `requestId`.
   */
  grantTrail(workspaceId: string, grantId: string, position: number): GrantTrail {
    const trail: GrantTrail = {
      grantId,
      requestId: grantId,
      requestedBy: null,
      invokedBy: null,
      reason: null,
      mode: null,
      approvers: [],
      grantedAt: null,
      expiresAt: null,
      events: [],
    };
    const { events } = this.audit.index.query({
      workspaceId,
      filter: { request: grantId },
      order: 'oldest',
      limit: 1000,
    });
    const approvers = new Set<string>();
    for (const event of events) {
      if (event.globalPosition > position) break;
      trail.events.push(event.globalPosition);
      foldGrantEvent(trail, approvers, event);
    }
    trail.approvers = [...approvers];
    return trail;
  }
}

function foldGrantEvent(trail: GrantTrail, approvers: Set<string>, event: RecordedEvent): void {
  const data = event.data as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  const list = (value: unknown) =>
    Array.isArray(value) ? value.filter((item) => typeof item === 'string') : [];
  switch (event.type) {
    case 'AccessRequested':
      trail.requestId = text(data.requestId) ?? trail.requestId;
      trail.requestedBy = text(data.requestedBy);
      trail.invokedBy = text(data.invokedBy);
      trail.reason = text(data.reason);
      trail.mode = text(data.mode);
      return;
    case 'AccessApprovalRecorded':
      if (typeof data.approver === 'string') approvers.add(data.approver);
      return;
    case 'AccessApproved':
    case 'AccessExtended':
      for (const approver of list(data.approvers)) approvers.add(approver);
      trail.expiresAt = text(data.newExpiresAt) ?? trail.expiresAt;
      return;
    case 'AccessGranted':
      for (const approver of list(data.approvers)) approvers.add(approver);
      trail.mode = text(data.mode) ?? trail.mode;
      trail.grantedAt = text(data.grantedAt);
      trail.expiresAt = text(data.expiresAt);
      return;
    default:
      return;
  }
}
