import { v7 as uuidv7 } from 'uuid';
import {
  accessRequestStreamId,
  agentActionStreamId,
  agentIdentityStreamId,
  channelStreamId,
  eventSchemas,
  workspaceStreamId,
} from '@mandate/domain';
import { EventSchemaRegistry, SqliteEventStore, type NewEvent } from '@mandate/event-store';

export const auditSchemas = () => new EventSchemaRegistry(eventSchemas);

export const openMemoryStore = () => new SqliteEventStore({ path: ':memory:', schemas: auditSchemas() });

interface Envelope {
  workspaceId: string;
  actor?: string;
  at?: string;
  correlationId?: string;
}

const recorderOf = (actor: string) =>
  ({ kind: actor.startsWith('agent') ? 'agent' : 'user', id: actor }) as const;

const envelope = (
  type: string,
  data: unknown,
  { workspaceId, actor = 'alice', at, correlationId }: Envelope,
): NewEvent => ({
  id: uuidv7(),
  type,
  data,
  occurredAt: at ?? new Date().toISOString(),
  workspaceId,
  actor: recorderOf(actor),
  metadata: { correlationId: correlationId ?? uuidv7(), causationId: null },
});

/** A stream id and the events to append to it: what each helper returns. */
export interface Append {
  streamId: string;
  events: NewEvent[];
}

export const workspaceCreated = (workspaceId: string, options: Partial<Envelope> = {}): Append => ({
  streamId: workspaceStreamId(workspaceId),
  events: [envelope('WorkspaceCreated', { workspaceId, name: workspaceId }, { workspaceId, ...options })],
});

/** An admin binds a service to the workspace (checks and agent actions need it). */
export const serviceBound = (
  workspaceId: string,
  serviceId: string,
  options: Partial<Envelope> = {},
): Append => ({
  streamId: workspaceStreamId(workspaceId),
  events: [envelope('ServiceBound', { serviceId }, { workspaceId, ...options })],
});

export const channelCreated = (
  workspaceId: string,
  channelId: string,
  options: Partial<Envelope> = {},
): Append => ({
  streamId: channelStreamId(workspaceId, channelId),
  events: [
    envelope(
      'ChannelCreated',
      { channelId, workspaceId, name: channelId, visibility: 'public' },
      { workspaceId, ...options },
    ),
  ],
});

export interface GrantSpec {
  workspaceId: string;
  grantId: string;
  channelId: string;
  connector?: string;
  resources?: string[];
  approvers?: string[];
  requestedBy?: string;
  expiresAt?: string;
}

export const accessGranted = (spec: GrantSpec, options: Partial<Envelope> = {}): Append => ({
  streamId: accessRequestStreamId(spec.workspaceId, spec.grantId),
  events: [
    envelope(
      'AccessGranted',
      {
        grantId: spec.grantId,
        requestId: spec.grantId,
        workspaceId: spec.workspaceId,
        channelId: spec.channelId,
        connector: spec.connector ?? 'github',
        actions: ['write'],
        resources: spec.resources ?? ['acme/api'],
        grantedAt: '2026-01-01T00:00:00.000Z',
        expiresAt: spec.expiresAt ?? '2026-01-01T01:00:00.000Z',
        approvers: spec.approvers ?? ['bob'],
        mode: 'approval',
      },
      { workspaceId: spec.workspaceId, actor: 'jit-grant-workflow', ...options },
    ),
  ],
});

export interface ActionSpec {
  workspaceId: string;
  channelId: string;
  connector?: string;
  resource?: string;
  invokedBy?: string;
  grantId?: string;
  key?: string;
}

export const agentActionAuthorized = (spec: ActionSpec, options: Partial<Envelope> = {}): Append => {
  const key = spec.key ?? uuidv7();
  return {
    streamId: agentActionStreamId(spec.workspaceId, key),
    events: [
      envelope(
        'AgentActionAuthorized',
        {
          actionId: key,
          idempotencyKey: key,
          request: {
            channelId: spec.channelId,
            connector: spec.connector ?? 'github',
            action: 'write',
            resource: spec.resource ?? 'acme/api',
            invokedBy: spec.invokedBy ?? 'carol',
          },
          decision: {
            allowed: true,
            reason: spec.grantId ? 'JIT grant' : 'baseline',
            provenance: spec.grantId
              ? { layer: 'jit', rule: spec.grantId, grantId: spec.grantId }
              : { layer: 'baseline', rule: 'conn-1' },
          },
          recordedBy: recorderOf(options.actor ?? 'agent-1'),
        },
        { workspaceId: spec.workspaceId, actor: 'agent-1', ...options },
      ),
    ],
  };
};

export async function appendAll(store: SqliteEventStore, appends: Append[]): Promise<void> {
  for (const { streamId, events } of appends)
    await store.append(streamId, events, { expectedRevision: 'any' });
}

export const accessRequested = (
  spec: GrantSpec & { reason?: string },
  options: Partial<Envelope> = {},
): Append => ({
  streamId: accessRequestStreamId(spec.workspaceId, spec.grantId),
  events: [
    envelope(
      'AccessRequested',
      {
        requestId: spec.grantId,
        workspaceId: spec.workspaceId,
        channelId: spec.channelId,
        connector: spec.connector ?? 'github',
        actions: ['write'],
        resources: spec.resources ?? ['acme/api'],
        durationSeconds: 3600,
        reason: spec.reason ?? 'hotfix',
        ticket: null,
        requestedBy: spec.requestedBy ?? 'carol',
        invokedBy: null,
        mode: 'approval',
        policy: {
          approvers: [{ roles: ['approver'], principals: [] }],
          quorum: 1,
          maxDurationSeconds: 86_400,
          approvalTimeoutSeconds: 3600,
          autoApproveUpToSeconds: null,
        },
        approvalDeadline: '2030-01-01T00:00:00.000Z',
      },
      { workspaceId: spec.workspaceId, actor: spec.requestedBy ?? 'carol', ...options },
    ),
  ],
});

export interface RuleSpec {
  id: string;
  connector?: string;
  actions?: string[];
  resources?: string[];
}

const ruleOf = (spec: RuleSpec) => ({
  id: spec.id,
  connector: spec.connector ?? 'github',
  actions: spec.actions ?? ['read'],
  resources: spec.resources ?? ['acme/**'],
});

export const connectionAdded = (
  workspaceId: string,
  rule: RuleSpec,
  options: Partial<Envelope> = {},
): Append => ({
  streamId: agentIdentityStreamId(workspaceId),
  events: [
    envelope(
      'ConnectionAdded',
      { connection: { ...ruleOf(rule), account: 'bot' } },
      { workspaceId, ...options },
    ),
  ],
});

export const connectionRemoved = (
  workspaceId: string,
  connectionId: string,
  options: Partial<Envelope> = {},
): Append => ({
  streamId: agentIdentityStreamId(workspaceId),
  events: [envelope('ConnectionRemoved', { connectionId }, { workspaceId, ...options })],
});

export const channelExtensionAdded = (
  workspaceId: string,
  channelId: string,
  rule: RuleSpec,
  options: Partial<Envelope> = {},
): Append => ({
  streamId: channelStreamId(workspaceId, channelId),
  events: [envelope('ChannelExtensionAdded', { channelId, rule: ruleOf(rule) }, { workspaceId, ...options })],
});

export const channelRestrictionAdded = (
  workspaceId: string,
  channelId: string,
  rule: RuleSpec,
  options: Partial<Envelope> = {},
): Append => ({
  streamId: channelStreamId(workspaceId, channelId),
  events: [
    envelope('ChannelRestrictionAdded', { channelId, rule: ruleOf(rule) }, { workspaceId, ...options }),
  ],
});

export const accessRevoked = (
  workspaceId: string,
  grantId: string,
  options: Partial<Envelope> = {},
): Append => ({
  streamId: accessRequestStreamId(workspaceId, grantId),
  events: [
    envelope(
      'AccessRevoked',
      { grantId, requestId: grantId, revokedBy: 'olivia', reason: 'done' },
      { workspaceId, ...options },
    ),
  ],
});
