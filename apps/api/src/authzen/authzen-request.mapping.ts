import { DomainError, type FieldIssue } from '@mandate/domain';
import { zodIssues } from '@mandate/http';
import { readCheckRequest } from '../permissions/check-request.reader';
import { type CheckRequest, checkRequestSchema } from '../permissions/permissions.schemas';
import type { AuthzenEvaluation, AuthzenEvaluations, EvaluationsSemantic } from './authzen.schemas';
import { NamePartsCache } from './name-parts.cache';

/** The only subject Mandate decides about: the agent, in one channel of one workspace. */
export const AGENT_SUBJECT_TYPE = 'agent';

/** Why one evaluation could not become a check: a 400 for a single one, an error item in a batch. */
export interface EvaluationRefusal {
  status: 400;
  code: string;
  message: string;
  errors: FieldIssue[];
}

export type MappedEvaluation = { ok: true; check: CheckRequest } | { ok: false; refusal: EvaluationRefusal };

/** Where each field of a check comes from in the AuthZEN request, to name it in a refusal. */
const SOURCE_OF: Record<string, string> = {
  workspaceId: 'subject.id',
  channelId: 'subject.id',
  invokedBy: 'subject.properties.invokedBy',
  connector: 'resource.type',
  action: 'action.name',
  resource: 'resource.id',
  at: 'context.at',
  minPosition: 'context.minPosition',
};

/** The path of an item's member in a refusal: the body itself for a single evaluation. */
const itemPath = (index: number | undefined): string =>
  index === undefined ? 'body' : `body.evaluations[${index}]`;

const refused = (message: string, errors: FieldIssue[]): MappedEvaluation => ({
  ok: false,
  refusal: { status: 400, code: 'validation-failed', message, errors },
});

/** Subject ids and action names, split once per distinct one (the strings every lookup then reuses). */
const subjectIds = new NamePartsCache('/');
const actionNames = new NamePartsCache(':');

/**
 * An AuthZEN evaluation as the `/v1/check` request it asks, parsed by the very schema `/v1/check`
 * uses: the same identifiers, lengths and instants are refused the same way (and a resource outside
 * the connector's syntax is denied as `malformed-resource` by the evaluator, as for `/v1/check`).
 * Nothing is guessed: a subject other than the agent, an id that is not `<workspace>/<channel>`, or
 * a connector named twice differently is refused, never matched against a rule.
 */
export function toCheckRequest(evaluation: AuthzenEvaluation, index?: number): MappedEvaluation {
  const { subject, action, resource, context } = evaluation;
  if (subject.type !== AGENT_SUBJECT_TYPE) {
    return refused(`Only the agent is a subject here (type "${AGENT_SUBJECT_TYPE}")`, [
      { path: `${itemPath(index)}.subject.type`, message: `must be "${AGENT_SUBJECT_TYPE}"` },
    ]);
  }
  const { head: named, tail: actionName } = actionNames.split(action.name);
  const mismatch =
    named !== undefined && named !== resource.type
      ? 'action.name'
      : action.properties?.connector !== undefined && action.properties.connector !== resource.type
        ? 'action.properties.connector'
        : undefined;
  if (mismatch !== undefined) {
    return refused('The action names another connector than resource.type', [
      {
        path: `${itemPath(index)}.${mismatch}`,
        message: `must name the connector "${resource.type}" (resource.type)`,
      },
    ]);
  }
  // No slash: the id is the workspace alone, and the empty channel is refused by the schema.
  const { head, tail } = subjectIds.split(subject.id);
  const workspaceId = head ?? tail;
  const channelId = head === undefined ? '' : tail;
  const invokedBy = subject.properties?.invokedBy;
  const at = context?.at;
  const minPosition = context?.minPosition;
  const check = readCheckRequest(
    workspaceId,
    channelId,
    resource.type,
    actionName,
    resource.id,
    invokedBy,
    at,
    minPosition,
  );
  if (check !== undefined) return { ok: true, check };
  // Anything the reader does not take is parsed by the schema, which names what is wrong.
  const candidate: Record<string, unknown> = {
    workspaceId,
    channelId,
    connector: resource.type,
    action: actionName,
    resource: resource.id,
  };
  if (invokedBy !== undefined) candidate.invokedBy = invokedBy;
  if (at !== undefined) candidate.at = at;
  if (minPosition !== undefined) candidate.minPosition = minPosition;
  const parsed = checkRequestSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, check: parsed.data };
  const path = itemPath(index);
  const errors = zodIssues(parsed.error).map((issue) => {
    const field = issue.path.split('.')[0];
    const message =
      field === 'workspaceId' || field === 'channelId' ? `${field} ${issue.message}` : issue.message;
    return { path: `${path}.${SOURCE_OF[field] ?? field}`, message };
  });
  return refused('The evaluation does not name a check Mandate can answer.', errors);
}

/** A refusal of a single evaluation: the problem `/v1/check` answers for an invalid body. */
export const refusalError = ({ code, message, errors }: EvaluationRefusal): DomainError =>
  new DomainError('validation', code, message, errors);

const ENTITY_KEYS = ['subject', 'action', 'resource'] as const;

/**
 * The items of an evaluations request with the top-level defaults applied: an item's key replaces
 * the default as a whole (§ Default values). Without items, the request is one evaluation (the
 * backwards-compatible form). A required entity neither an item nor the defaults provide is a
 * malformed request, refused as a whole. Without defaults an item is its own evaluation (the
 * mapping reads only its four members), so nothing is copied per item.
 */
export function withDefaults(request: AuthzenEvaluations): {
  evaluations: AuthzenEvaluation[];
  single: boolean;
} {
  const items = request.evaluations ?? [];
  const single = items.length === 0;
  const { subject, action, resource, context } = request;
  const noDefaults =
    subject === undefined && action === undefined && resource === undefined && context === undefined;
  const evaluations: AuthzenEvaluation[] = new Array(single ? 1 : items.length);
  let incomplete = false;
  for (let index = 0; index < evaluations.length; index++) {
    const item = single ? {} : items[index];
    const merged = (
      noDefaults && !single
        ? item
        : {
            subject: item.subject ?? subject,
            action: item.action ?? action,
            resource: item.resource ?? resource,
            context: item.context ?? context,
          }
    ) as AuthzenEvaluation;
    if (merged.subject === undefined || merged.action === undefined || merged.resource === undefined) {
      incomplete = true;
    }
    evaluations[index] = merged;
  }
  if (incomplete) {
    const issues: FieldIssue[] = [];
    evaluations.forEach((merged, index) => {
      for (const key of ENTITY_KEYS) {
        if (merged[key] === undefined) {
          issues.push({
            path: `${itemPath(single ? undefined : index)}.${key}`,
            message: 'Required, in the item or as a top-level default',
          });
        }
      }
    });
    throw new DomainError('validation', 'validation-failed', 'The request body is invalid.', issues);
  }
  return { evaluations, single };
}

/**
 * How many decisions of a batch are answered: all of them, or up to and including the first
 * denial (an error item is one) or the first permit (§ Evaluations semantics).
 */
export function answeredCount(decisions: readonly boolean[], semantic: EvaluationsSemantic): number {
  if (semantic === 'execute_all') return decisions.length;
  const stopAt = decisions.indexOf(semantic === 'permit_on_first_permit');
  return stopAt < 0 ? decisions.length : stopAt + 1;
}
