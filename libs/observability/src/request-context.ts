import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  /** Ours (generated per request): what events record as their correlation id. */
  requestId: string;
  /** The caller's own `x-request-id`, when it is safe to log: for joining our logs with theirs. */
  clientRequestId?: string;
}

/**
 * Carries the request id through every await of a request, so any log line written while serving
 * it (controller, service, adapter) names the request without passing loggers around.
 */
export const requestContext = new AsyncLocalStorage<RequestContext>();

export const currentRequestId = (): string | undefined => requestContext.getStore()?.requestId;
