import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EXPORT_CONTENT_TYPES } from '@mandate/audit';
import { RequireWorkspaceRole } from '@mandate/auth';
import type { AppConfig } from '@mandate/config';
import type { RecordedEvent } from '@mandate/event-store';
import { ZodParams, ZodQuery } from '@mandate/http';
import { APP_CONFIG } from '../app.tokens';
import { type AccessReport, AuditAccessService, type GrantTrail } from './audit-access.service';
import { AuditChangesService, type ChangesReport } from './audit-changes.service';
import { AuditIndexService } from './audit-index.service';
import { AuditLeaseTrails, type LeaseTrail } from './audit-lease-trails.service';
import { AuditLogService } from './audit-log.service';
import { auditAccessDoc, auditChangesDoc, auditEventsDoc } from './audit.responses';
import {
  auditChangesQuery,
  type AuditChangesQuery,
  auditAccessQuery,
  type AuditAccessQuery,
  auditEventsQuery,
  type AuditEventsQuery,
  auditExportQuery,
  type AuditExportQuery,
  workspaceParams,
  type WorkspaceParams,
} from './audit.schemas';

export interface AuditEventsPage {
  events: RecordedEvent[];
  /**
   * Pass as `cursor` for the next page. Newest first: null after the oldest event. Oldest first:
   * always set, so a reader at the end resumes with exactly the events appended since.
   */
  nextCursor: string | null;
  /** More events matched beyond this page when it was read. */
  hasMore: boolean;
  /**
   * Attribution: for every grant a decision on this page names in its provenance, the humans
   * behind it (requester, reason, approvers) as of that decision.
   */
  grants: Record<string, GrantTrail>;
  /**
   * For every credential lease an event on this page names: the lease, as of that event, with who
   * stands behind it (invoker, requesting service, the grant with its requester and approvers).
   */
  leases: Record<string, LeaseTrail>;
  /** The index holds the log up to this position. */
  indexedThrough: number;
}

/** The grant a recorded decision's provenance names (agent actions allowed by a JIT grant). */
function provenanceGrantOf(event: RecordedEvent): string | undefined {
  const decision = (event.data as { decision?: { provenance?: { grantId?: unknown } } } | null)?.decision;
  const grantId = decision?.provenance?.grantId;
  return typeof grantId === 'string' ? grantId : undefined;
}

/** Auditors (and the roles including it) read the workspace's history; nothing of other workspaces. */
@ApiTags('audit')
@Controller('v1/workspaces/:workspaceId/audit')
@RequireWorkspaceRole('auditor')
export class AuditController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditIndexService,
    private readonly log: AuditLogService,
    private readonly access: AuditAccessService,
    private readonly changesBetween: AuditChangesService,
    private readonly leaseTrails: AuditLeaseTrails,
  ) {}

  @Get('events')
  @ApiOkResponse({ schema: auditEventsDoc })
  @ApiOperation({ summary: "The workspace's events, filtered, newest or oldest first, one page per cursor." })
  async events(
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
    @ZodQuery(auditEventsQuery) query: AuditEventsQuery,
  ): Promise<AuditEventsPage> {
    if (query.minPosition !== undefined) {
      await this.audit.waitFor(query.minPosition, this.config.CHECK_MIN_POSITION_WAIT_MS);
    }
    const prefix = query.order === 'newest' ? 'n' : 'o';
    const page = this.audit.index.query({
      workspaceId,
      order: query.order,
      limit: query.limit,
      after: query.cursor?.startsWith(prefix) ? Number(query.cursor.slice(1)) : undefined,
      filter: {
        type: query.type,
        actor: query.actor,
        principal: query.principal,
        channel: query.channel,
        connector: query.connector,
        resource: query.resource,
        grant: query.grantId,
        request: query.requestId,
        correlation: query.correlationId,
        from: query.from,
        to: query.to,
      },
    });
    const trails = new Map<string, GrantTrail>();
    for (const event of page.events) {
      const grantId = provenanceGrantOf(event);
      if (grantId !== undefined && !trails.has(grantId)) {
        trails.set(grantId, this.access.grantTrail(workspaceId, grantId, event.globalPosition));
      }
    }
    // fromEntries defines own properties, so a grant id such as `__proto__` stays a key.
    const grants = Object.fromEntries(trails);
    return {
      events: page.events,
      nextCursor: page.next === null ? null : `${prefix}${page.next}`,
      hasMore: page.more,
      grants,
      leases: await this.leaseTrails.trailsOf(workspaceId, page.events),
      indexedThrough: page.indexedThrough,
    };
  }

  @Get('access')
  @ApiOkResponse({ schema: auditAccessDoc })
  @ApiOperation({
    summary:
      "Which channels' agent identities could do an action on a resource at an instant, and through what (baseline, channel override, JIT grant with its requester and approvers); the credential leases out for it then, with their invoker, service and grant.",
  })
  async whoCouldAccess(
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
    @ZodQuery(auditAccessQuery) { at, ...question }: AuditAccessQuery,
  ): Promise<AccessReport & { leases: LeaseTrail[] }> {
    const report = await this.access.access(workspaceId, question, at);
    // The credentials out for exactly this at that instant, and who stands behind each.
    const leases = await this.leaseTrails.activeCovering(
      workspaceId,
      report.question,
      Date.parse(report.at),
      report.position,
      this.config.LEASE_MAX_TTL_SECONDS * 1000,
    );
    return { ...report, leases };
  }

  @Get('changes')
  @ApiOkResponse({ schema: auditChangesDoc })
  @ApiOperation({
    summary:
      'What changed in effective permissions between two instants (added, removed), per channel, with the events that caused each change.',
  })
  changes(
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
    @ZodQuery(auditChangesQuery) { from, to, channel }: AuditChangesQuery,
  ): Promise<ChangesReport> {
    return this.changesBetween.changes(workspaceId, from, to, channel);
  }

  @Get('export')
  @ApiProduces(EXPORT_CONTENT_TYPES.jsonl, EXPORT_CONTENT_TYPES.csv)
  @ApiOperation({
    summary:
      "Stream the workspace's events with their hash-chain fields, other workspaces as redacted links, the signed checkpoints and a seal (docs/audit.md, Exports).",
  })
  async export(
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
    @ZodQuery(auditExportQuery) query: AuditExportQuery,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const stream = await this.log.export(workspaceId, query.format, query.from, query.to);
    await reply
      .header('content-type', EXPORT_CONTENT_TYPES[query.format])
      .header('content-disposition', `attachment; filename="${workspaceId}-audit.${query.format}"`)
      .send(stream);
  }
}
