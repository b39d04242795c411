/** Kept apart from the event schemas so the workflow, which needs it, imports no zod. */
export const accessRequestStreamId = (requestId: string): string => `access-request-${requestId}`;
