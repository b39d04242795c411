import type { paths } from '@mandate/client/openapi';

/** The audit routes' parameters and answers, as /openapi.json describes them (npm run console:api-types). */
type Answer<Route> = Route extends { responses: { 200: { content: { 'application/json': infer A } } } }
  ? A
  : never;

export type AuditEventsQuery = NonNullable<
  paths['/v1/workspaces/{workspaceId}/audit/events']['get']['parameters']['query']
>;

export type AuditEventsPage = Answer<paths['/v1/workspaces/{workspaceId}/audit/events']['get']>;
export type AuditEvent = AuditEventsPage['events'][number];

export type AccessReport = Answer<paths['/v1/workspaces/{workspaceId}/audit/access']['get']>;
export type AccessVerdict = AccessReport['allowed'][number];

export type ChangesReport = Answer<paths['/v1/workspaces/{workspaceId}/audit/changes']['get']>;

export type ChainReport = Answer<paths['/v1/audit/verify']['get']>;
