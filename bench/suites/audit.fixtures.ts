import { v7 as uuidv7 } from 'uuid';
import { AuditIndex, type AuditQuery } from '@mandate/audit';
import { eventSchemas } from '@mandate/domain';
import { EventSchemaRegistry, SqliteEventStore, type NewEvent } from '@mandate/event-store';
import type { BenchContext } from '../harness';

/** The audit suite's log (a deterministic multi-tenant mix), its index and its auditor queries. */
export const WORKSPACES = 50;
const CHANNELS = 10;
const PRINCIPALS = 200;
export const RESOURCES = 100;
const GRANTS = 500;
const connectors = ['github', 'jira', 'google-drive'];
/** ws-0 is a large tenant (a fifth of the log); the others share the rest. */
const workspaceOf = (n: number) => (n % 5 === 0 ? 0 : 1 + (n % (WORKSPACES - 1)));

/** A deterministic mix: mostly agent actions (a third allowed through a grant), some grants and channel changes. */
function benchEvent(n: number): NewEvent {
  const ws = `ws-${workspaceOf(n)}`;
  const channelId = `c${(n >> 3) % CHANNELS}`;
  const connector = connectors[n % connectors.length];
  const resource = `org-${(n >> 5) % 10}/repo-${(n * 7) % RESOURCES}`;
  const grantId = `g-${n % GRANTS}`;
  const principal = `user-${(n * 13) % PRINCIPALS}`;
  const base = {
    id: uuidv7(),
    occurredAt: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
    workspaceId: ws,
    metadata: { correlationId: `corr-${n >> 1}`, causationId: null },
  };
  if (n % 20 === 7) {
    const connector = 'github';
    return {
      ...base,
      type: 'AccessGranted',
      actor: { kind: 'system', id: 'jit-grant-workflow' },
      data: {
        grantId,
        requestId: grantId,
        workspaceId: ws,
        channelId,
        connector,
        actions: ['write'],
        resources: [resource],
        grantedAt: base.occurredAt,
        expiresAt: new Date(Date.parse(base.occurredAt) + 3_600_000).toISOString(),
        approvers: [`user-${(n * 17) % PRINCIPALS}`],
        mode: 'approval',
      },
    };
  }
  if (n % 20 === 13) {
    const connector = 'github';
    return {
      ...base,
      type: 'ChannelRestrictionAdded',
      actor: { kind: 'user', id: principal },
      data: { channelId, rule: { id: `r-${n % 50}`, connector, actions: ['admin'], resources: [resource] } },
    };
  }
  const viaGrant = n % 3 === 0;
  return {
    ...base,
    type: 'AgentActionAuthorized',
    actor: { kind: 'agent', id: 'agent-1' },
    data: {
      actionId: `a-${n}`,
      idempotencyKey: `a-${n}`,
      request: { channelId, connector, action: 'write', resource, invokedBy: principal },
      decision: {
        allowed: true,
        reason: viaGrant ? 'JIT grant' : 'baseline',
        provenance: viaGrant
          ? { layer: 'jit', rule: grantId, grantId }
          : { layer: 'baseline', rule: 'conn-1' },
      },
      recordedBy: { kind: 'agent', id: 'agent-1' },
    },
  };
}

const BATCH = 1000;

/** Every workspace, its channels and a baseline connection exist before the traffic starts. */
function setupEvents(): Array<{ streamId: string; events: NewEvent[] }> {
  const envelope = (workspaceId: string, type: string, data: unknown): NewEvent => ({
    id: uuidv7(),
    type,
    data,
    occurredAt: new Date(Date.UTC(2025, 11, 31)).toISOString(),
    workspaceId,
    actor: { kind: 'user', id: 'owner' },
    metadata: { correlationId: `setup-${workspaceId}`, causationId: null },
  });
  return Array.from({ length: WORKSPACES }, (_, w) => {
    const ws = `ws-${w}`;
    return {
      streamId: `bench-setup-${ws}`,
      events: [
        envelope(ws, 'WorkspaceCreated', { workspaceId: ws, name: ws }),
        ...Array.from({ length: CHANNELS }, (_, c) =>
          envelope(ws, 'ChannelCreated', {
            channelId: `c${c}`,
            workspaceId: ws,
            name: `c${c}`,
            visibility: 'public',
          }),
        ),
        envelope(ws, 'ConnectionAdded', {
          connection: {
            id: 'conn-1',
            connector: 'github',
            actions: ['read'],
            resources: ['org-1/**'],
            account: 'bot',
          },
        }),
      ],
    };
  });
}

export async function buildLog(path: string, total: number, context: BenchContext): Promise<void> {
  const store = new SqliteEventStore({
    path,
    schemas: new EventSchemaRegistry(eventSchemas),
    synchronous: 'NORMAL',
  });
  const started = performance.now();
  for (const { streamId, events } of setupEvents())
    await store.append(streamId, events, { expectedRevision: 'no_stream' });
  for (let batch = 0; batch * BATCH < total; batch++) {
    const events = Array.from({ length: Math.min(BATCH, total - batch * BATCH) }, (_, i) =>
      benchEvent(batch * BATCH + i),
    );
    await store.append(`bench-${batch}`, events, { expectedRevision: 'no_stream' });
    if (batch % 100 === 99) context.log(`log: ${(batch + 1) * BATCH} events`);
  }
  await store.close();
  context.log(`log of ${total} events built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

export async function buildIndex(
  eventsPath: string,
  indexPath: string,
  context: BenchContext,
): Promise<void> {
  const store = new SqliteEventStore({ path: eventsPath, schemas: new EventSchemaRegistry(eventSchemas) });
  const index = AuditIndex.open(indexPath);
  const started = performance.now();
  for (;;) {
    const page = await store.readAll({ fromPosition: index.position + 1, limit: 5000 });
    if (page.length === 0) break;
    index.applyPage(page);
    if (index.position % 100_000 === 0) context.log(`index: ${index.position} events`);
  }
  const seconds = (performance.now() - started) / 1000;
  context.log(`index of ${index.position} events built in ${seconds.toFixed(1)} s`);
  index.close();
  await store.close();
}

/** Typical auditor pages: a filtered page of 100, first pages and deep pages, both orders. */
export function typicalQueries(total: number, count: number): AuditQuery[] {
  let seed = 42;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  return Array.from({ length: count }, (_, i) => {
    const workspaceId = `ws-${random(4) === 0 ? 0 : 1 + random(WORKSPACES - 1)}`;
    const filters: AuditQuery['filter'][] = [
      { channel: `c${random(CHANNELS)}`, type: 'AgentActionAuthorized' },
      { principal: `user-${random(PRINCIPALS)}` },
      { connector: connectors[random(3)], resource: `org-${random(10)}/repo-${random(RESOURCES)}` },
      { grant: `g-${random(GRANTS)}` },
      { type: 'AccessGranted' },
      { channel: `c${random(CHANNELS)}` },
    ];
    return {
      workspaceId,
      filter: filters[i % filters.length],
      order: random(2) === 0 ? 'newest' : 'oldest',
      after: random(3) === 0 ? 1 + random(total) : undefined,
      limit: 100,
    };
  });
}
