import {
  type CodedIssue,
  DomainError,
  EGRESS_CONNECTOR,
  evaluateCoverage,
  throwIfIssues,
  validatePermissionRule,
} from '@mandate/domain';
import type { WorkspacePermissions } from '@mandate/projections';
import type { CreateAccessRequestBody } from './access.schemas';
import { validateEgressTarget } from './egress-request.target';
import { requireIdentityEnabled } from './identity-switch.guard';

/**
 * Request-time checks against the current effective identity, so a refused request starts
 * nothing: the workspace exists, the channel exists, is live and visible to the caller (one it may
 * not see is answered as one that does not exist), the identity is not disabled there (the kill
 * switch), the rule parses against the catalog, and no
 * guardrail (forbid) covers what is asked for. Answers the resources in the form the request is
 * recorded with (an egress request's `host:port` entries canonical).
 */
export function validateTarget(
  workspace: WorkspacePermissions | undefined,
  body: Pick<CreateAccessRequestBody, 'channelId' | 'connector' | 'actions' | 'resources'>,
  nowMs: number,
  seesChannel: boolean,
): string[] {
  if (workspace === undefined || !workspace.exists) {
    throw new DomainError('not_found', 'workspace-not-found', 'Workspace not found');
  }
  const { compiled } = workspace;
  const channel = compiled.channels.get(body.channelId);
  if (channel === undefined || channel.archived || !seesChannel) {
    throw new DomainError(
      'unprocessable',
      'unknown-channel',
      `Channel "${body.channelId}" is unknown or archived`,
      [{ path: 'body.channelId', message: 'unknown or archived channel' }],
    );
  }
  requireIdentityEnabled(workspace, body.channelId, 'body.channelId');
  if (body.connector === EGRESS_CONNECTOR) return validateEgressTarget(compiled, body);
  const rule = {
    id: 'request',
    connector: body.connector,
    actions: body.actions,
    resources: body.resources,
  };
  const issues: CodedIssue[] = validatePermissionRule(rule, compiled.catalog, 'body');
  throwIfIssues(issues, 'unprocessable');
  // A guardrail (forbid) nothing can lift, JIT included: refuse now rather than grant nothing.
  // A pattern is refused only when a forbid covers all of it; one a forbid merely overlaps is
  // granted, and the forbid still wins for the resources it names.
  body.actions.forEach((action, actionIndex) =>
    body.resources.forEach((resource, resourceIndex) => {
      const decision = evaluateCoverage(
        compiled,
        { channelId: body.channelId, connector: body.connector, action, resource },
        nowMs,
      );
      if (decision.provenance.layer === 'forbid') {
        throw new DomainError('unprocessable', 'forbidden-by-guardrail', decision.reason, [
          { path: `body.actions[${actionIndex}]`, message: `forbidden by ${decision.provenance.rule}` },
          { path: `body.resources[${resourceIndex}]`, message: `forbidden by ${decision.provenance.rule}` },
        ]);
      }
    }),
  );
  return body.resources;
}
