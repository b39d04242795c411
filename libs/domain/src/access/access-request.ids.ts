/**
 * Kept apart from the event schemas so the workflow, which needs them, imports no zod.
 *
 * A request id is chosen by the client (or generated) and unique only within its workspace, so
 * streams and workflow ids carry both: another tenant can never take, learn or answer for an id.
 * Ids hold no dot, so `<workspace>.<request>` is unambiguous.
 */
export const accessRequestStreamId = (workspaceId: string, requestId: string): string =>
  `access-request-${workspaceId}.${requestId}`;

export const jitWorkflowId = (workspaceId: string, requestId: string): string =>
  `jit-${workspaceId}.${requestId}`;

/**
 * Requests recorded before ids were scoped by workspace live in `access-request-<id>`, run by the
 * workflow `jit-<id>`; they are read (and their workflows finish) where they are. Never written to
 * for a new request.
 */
export const legacyAccessRequestStreamId = (requestId: string): string => `access-request-${requestId}`;
export const legacyJitWorkflowId = (requestId: string): string => `jit-${requestId}`;
