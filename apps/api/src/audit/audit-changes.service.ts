import { Inject, Injectable } from '@nestjs/common';
import type { AuditFilter } from '@mandate/audit';
import type { AppConfig } from '@mandate/config';
import { canonicalJson, type RecordedEvent } from '@mandate/event-store';
import type { WorkspacePermissions } from '@mandate/projections';
import { APP_CONFIG } from '../app.tokens';
import { channelIdentity } from '../permissions/channel-identity';
import { ProjectionService } from '../core/projection.service';
import { AuditIndexService } from './audit-index.service';

/** One rule of a channel's effective permissions: an allow (baseline, extension, JIT), a restriction or a forbid. */
export interface PermissionEntry {
  channelId: string;
  effect: 'allow' | 'restrict' | 'forbid';
  source: 'baseline' | 'channel' | 'bundle' | 'jit' | 'workspace';
  /** Qualified rule reference, as check provenance names it. */
  rule: string;
  connector: string;
  actions: string[];
  resources: string[];
  grantId?: string;
  expiresAt?: string;
}

export interface CausingEvent {
  globalPosition: number;
  type: string;
  occurredAt: string;
  actor: RecordedEvent['actor'];
  correlationId: string;
}

export interface PermissionChange {
  change: 'added' | 'removed';
  entry: PermissionEntry;
  /** The events between the two moments that touched this rule (an expiry may have none). */
  causes: CausingEvent[];
  /** A JIT grant that lapsed by its expiry between the two moments. */
  expired?: boolean;
}

export interface ChangesReport {
  from: { at: string; position: number };
  to: { at: string; position: number };
  changes: PermissionChange[];
}

const sorted = (values: readonly string[]) => [...values].sort();

/** A channel's permission entries at an instant; an archived or missing channel has none. */
function entriesOf(
  permissions: WorkspacePermissions | undefined,
  channelId: string,
  nowMs: number,
): PermissionEntry[] {
  if (!permissions?.exists) return [];
  const identity = channelIdentity(permissions, channelId, nowMs);
  if (identity === undefined || identity.archived) return [];
  const entries: PermissionEntry[] = identity.connections.map(
    ({ source, rule, connector, actions, resources, grantId, expiresAt }) => ({
      channelId,
      effect: 'allow',
      source,
      rule,
      connector,
      actions: sorted(actions),
      resources: sorted(resources),
      ...(grantId === undefined ? {} : { grantId }),
      ...(expiresAt === undefined ? {} : { expiresAt }),
    }),
  );
  for (const { id, connector, actions, resources } of identity.restrictions) {
    entries.push({
      channelId,
      effect: 'restrict',
      source: 'channel',
      rule: `channel/${channelId}/restrictions/${id}`,
      connector,
      actions: sorted(actions),
      resources: sorted(resources),
    });
  }
  for (const { source, id, connector, actions, resources } of identity.forbidden) {
    entries.push({
      channelId,
      effect: 'forbid',
      source,
      rule: source === 'workspace' ? `workspace/forbidden/${id}` : `channel/${channelId}/forbidden/${id}`,
      connector,
      actions: sorted(actions),
      resources: sorted(resources),
    });
  }
  return entries;
}

const keyOf = (entry: PermissionEntry) => canonicalJson(entry);

/** Entries in `after` and not in `before` are added; the reverse, removed (a changed rule is both). */
export function diffEntries(
  before: readonly PermissionEntry[],
  after: readonly PermissionEntry[],
): Array<{ change: 'added' | 'removed'; entry: PermissionEntry }> {
  const beforeKeys = new Set(before.map(keyOf));
  const afterKeys = new Set(after.map(keyOf));
  return [
    ...before
      .filter((entry) => !afterKeys.has(keyOf(entry)))
      .map((entry) => ({ change: 'removed' as const, entry })),
    ...after
      .filter((entry) => !beforeKeys.has(keyOf(entry)))
      .map((entry) => ({ change: 'added' as const, entry })),
  ];
}

const BASELINE_TYPES = [
  'ConnectionAdded',
  'ConnectionRemoved',
  'ConnectionAccountChanged',
  'ConnectionActionsChanged',
  'ConnectionResourcesChanged',
];
const FORBID_TYPES = ['ForbidRuleAdded', 'ForbidRuleChanged', 'ForbidRuleRemoved'];
const CHANNEL_LIFECYCLE = ['ChannelCreated', 'ChannelArchived'];

/** The id at the end of a qualified rule reference (`channel/eng/extensions/ext-1` → `ext-1`). */
const ruleIdOf = (rule: string) => rule.slice(rule.lastIndexOf('/') + 1);

/** Whether an event names the rule (`rule.id`, `connection.id`, `ruleId`, `connectionId`). */
function names(event: RecordedEvent, ruleId: string): boolean {
  const data = event.data as Record<string, unknown>;
  const nested = (key: string) => (data[key] as { id?: unknown } | undefined)?.id;
  return [nested('rule'), nested('connection'), data.ruleId, data.connectionId].includes(ruleId);
}

/**
 * The difference in effective permissions between two instants, per channel, each change with the
 * events between them that caused it: the workspace's state at both instants comes from the same
 * history `POST /v1/check` with `at` uses; the causes from the audit index.
 */
@Injectable()
export class AuditChangesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly projections: ProjectionService,
    private readonly audit: AuditIndexService,
  ) {}

  async changes(workspaceId: string, from: string, to: string, channel?: string): Promise<ChangesReport> {
    const { history } = this.projections;
    const [fromMs, toMs] = [Date.parse(from), Date.parse(to)];
    const before = await history.asOf(workspaceId, fromMs);
    const after = await history.asOf(workspaceId, toMs);
    await this.audit.waitFor(after.position, this.config.CHECK_MIN_POSITION_WAIT_MS);
    const channelIds =
      channel !== undefined
        ? [channel]
        : [
            ...new Set([
              ...(before.permissions.exists ? before.permissions.compiled.channels.keys() : []),
              ...(after.permissions.exists ? after.permissions.compiled.channels.keys() : []),
            ]),
          ].sort();
    const changes: PermissionChange[] = [];
    for (const channelId of channelIds) {
      const diff = diffEntries(
        entriesOf(before.permissions, channelId, fromMs),
        entriesOf(after.permissions, channelId, toMs),
      );
      for (const { change, entry } of diff) {
        const causes = this.causes(workspaceId, entry, before.position, after.position);
        const expired =
          change === 'removed' && entry.expiresAt !== undefined && Date.parse(entry.expiresAt) <= toMs;
        changes.push({ change, entry, causes, ...(expired ? { expired } : {}) });
      }
    }
    return {
      from: { at: new Date(fromMs).toISOString(), position: before.position },
      to: { at: new Date(toMs).toISOString(), position: after.position },
      changes,
    };
  }

  /** Events in (from, to] that touched the entry's rule, or its channel's existence. */
  private causes(workspaceId: string, entry: PermissionEntry, from: number, to: number): CausingEvent[] {
    const ruleId = ruleIdOf(entry.rule);
    const found: RecordedEvent[] = [];
    const take = (filter: AuditFilter, keep: (event: RecordedEvent) => boolean) => {
      found.push(...this.between(workspaceId, filter, from, to).filter(keep));
    };
    for (const type of CHANNEL_LIFECYCLE) take({ channel: entry.channelId, type }, () => true);
    if (entry.source === 'jit' && entry.grantId !== undefined) {
      take({ request: entry.grantId }, () => true);
    } else if (entry.source === 'baseline') {
      for (const type of BASELINE_TYPES) take({ type }, (event) => names(event, ruleId));
    } else if (entry.source === 'workspace') {
      for (const type of FORBID_TYPES) take({ type }, (event) => names(event, ruleId));
    } else {
      take({ channel: entry.channelId }, (event) => event.type.startsWith('Channel') && names(event, ruleId));
    }
    return [...new Map(found.map((event) => [event.globalPosition, event])).values()]
      .sort((a, b) => a.globalPosition - b.globalPosition)
      .map(({ globalPosition, type, occurredAt, actor, metadata }) => ({
        globalPosition,
        type,
        occurredAt,
        actor,
        correlationId: metadata.correlationId,
      }));
  }

  private between(workspaceId: string, filter: AuditFilter, from: number, to: number): RecordedEvent[] {
    const events: RecordedEvent[] = [];
    for (let after = from; ;) {
      const page = this.audit.index.query({ workspaceId, filter, order: 'oldest', after, limit: 1000 });
      for (const event of page.events) {
        if (event.globalPosition > to) return events;
        events.push(event);
      }
      if (!page.more || page.next === null) return events;
      after = page.next;
    }
  }
}
