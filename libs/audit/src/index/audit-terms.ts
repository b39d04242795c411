import type { RecordedEvent } from '@mandate/event-store';

/** What an audit query can filter on besides the workspace, the time and the position. */
export const AUDIT_TERM_KINDS = [
  'type',
  'actor',
  'principal',
  'channel',
  'connector',
  'resource',
  'grant',
  'request',
  'correlation',
] as const;
export type AuditTermKind = (typeof AUDIT_TERM_KINDS)[number];

/** `kind:value`; the kind is a fixed word, so a colon inside the value is unambiguous. */
export const auditTerm = (kind: AuditTermKind, value: string): string => `${kind}:${value}`;

type Data = Record<string, unknown>;

const asObject = (value: unknown): Data | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Data) : undefined;

const strings = (value: unknown): string[] => {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
};

/** Where each kind of value sits in event data, across every event type (rules, grants, actions). */
const PRINCIPAL_FIELDS = [
  'invokedBy',
  'requestedBy',
  'approver',
  'approvers',
  'deniedBy',
  'cancelledBy',
  'revokedBy',
  'reviewer',
  'principalId',
  'serviceId',
];

/**
 * The index terms of one event. Field names are the domain's own, so an event type added later is
 * indexed by the fields it shares with the others without a change here. `principal` is everyone
 * involved (the actor, who invoked the agent, requesters, approvers, …), so one query walks from an
 * agent action to the people behind it; `grant` includes the grant a decision's provenance names.
 */
export function auditTermsOf(event: Pick<RecordedEvent, 'type' | 'actor' | 'data' | 'metadata'>): string[] {
  const terms = new Set<string>();
  const add = (kind: AuditTermKind, values: string[]) => {
    for (const value of values) if (value !== '') terms.add(auditTerm(kind, value));
  };
  add('type', [event.type]);
  add('actor', [event.actor.id]);
  add('principal', [event.actor.id]);
  add('correlation', [event.metadata.correlationId]);

  const data = asObject(event.data) ?? {};
  const request = asObject(data.request) ?? {};
  const rules = [data, asObject(data.rule), asObject(data.connection), request].filter(
    (part): part is Data => part !== undefined,
  );
  for (const part of [data, request]) {
    add('channel', strings(part.channelId));
    for (const field of PRINCIPAL_FIELDS) add('principal', strings(part[field]));
  }
  for (const rule of rules) {
    add('connector', strings(rule.connector));
    add('resource', strings(rule.resources));
    add('resource', strings(rule.resource));
  }
  if (event.type === 'ConnectionResourcesChanged') {
    add('resource', strings(data.added));
    add('resource', strings(data.removed));
  }
  add('grant', strings(data.grantId));
  add('grant', strings(asObject(asObject(data.decision)?.provenance)?.grantId));
  add('request', strings(data.requestId));
  return [...terms];
}
