import createClient from 'openapi-fetch';
import type { components, paths } from '@mandate/client/openapi';

/** The API as any client sees it: types generated from `/openapi.json` (npm run console:api-types). */
export type ApiClient = ReturnType<typeof createClient<paths>>;

export type Problem = components['schemas']['Problem'];

type AccessRequestList =
  paths['/v1/workspaces/{workspaceId}/access-requests']['get']['responses'][200]['content']['application/json'];
export type AccessRequestSummary = AccessRequestList['items'][number];

export type AccessRequestDetail =
  paths['/v1/workspaces/{workspaceId}/access-requests/{requestId}']['get']['responses'][200]['content']['application/json'];

type MeAnswer = paths['/v1/me']['get']['responses'][200]['content']['application/json'];
export type WorkspaceMembership = MeAnswer['workspaces']['items'][number];

export type DevSession = paths['/v1/dev/sessions']['post']['responses'][201]['content']['application/json'];

/** A client of the API on the console's own origin; with a token, every call carries it. */
export function createApiClient(token?: string): ApiClient {
  const client = createClient<paths>({ baseUrl: window.location.origin });
  if (token !== undefined) {
    client.use({
      onRequest({ request }) {
        request.headers.set('Authorization', `Bearer ${token}`);
        return request;
      },
    });
  }
  return client;
}

/** A refusal as the API words it, or a plain sentence when the answer was not problem+json. */
export function problemText(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'detail' in error) {
    const problem = error as Partial<Problem>;
    return problem.code ? `${problem.detail} (${problem.code})` : String(problem.detail);
  }
  return error instanceof Error ? error.message : 'The API could not be reached.';
}
