/**
 * THE authorization table: who may call each operation of `/openapi.json`. Every operation must
 * have a row (a new route fails the matrix until it is declared here), and every row must name an
 * operation that exists. A row lists who is admitted on its own tenant's public ids (`ok`) and on a
 * private channel they are not in (`private`); everyone else must be refused (403 or 404), and where
 * the caller cannot know the target exists, refused as an unknown id is (404).
 *
 * The other tenant is symmetric: its owner and its service stand where `owner` and the services
 * stand here, and nobody else is admitted there.
 */

export type Kind = 'user' | 'service';
export interface PrincipalSpec {
  sub: string;
  kind: Kind;
  scopes: string[];
}

const CHECK = 'permissions:check';
const ACTIONS = 'agent-actions:record';
const REQUEST = 'access:request';
const LEASE = 'credentials:issue';
const INTROSPECT = 'credentials:introspect';
const SESSION = 'gateway:session';

const user = (sub: string): PrincipalSpec => ({ sub, kind: 'user', scopes: [] });
const service = (sub: string, scopes: string[]): PrincipalSpec => ({ sub, kind: 'service', scopes });

/** The callers. Users of the home tenant hold the role they are named after. */
export const PRINCIPALS = {
  owner: user('olga'),
  admin: user('adam'),
  approver: user('april'),
  member: user('mike'),
  auditor: user('audrey'),
  'non-member': user('nina'),
  'platform-admin': user('root'),
  /** Owner of the other tenant. */
  'other-owner': user('otto'),
  /** The home tenant's services (bound to it), one per scope, and one without any. */
  'svc-none': service('svc-none', []),
  'svc-check': service('svc-check', [CHECK]),
  'svc-actions': service('svc-actions', [ACTIONS]),
  'svc-request': service('svc-request', [REQUEST]),
  'svc-lease': service('svc-lease', [LEASE, INTROSPECT]),
  'svc-session': service('svc-session', [SESSION]),
  /** A service bound to the other tenant, with every scope. */
  'svc-other': service('svc-other', [CHECK, ACTIONS, REQUEST, LEASE, INTROSPECT, SESSION]),
  /** A service token whose subject is the owner's user id: it must not borrow her roles. */
  'svc-as-owner': service('olga', []),
} as const satisfies Record<string, PrincipalSpec>;

export type Who = keyof typeof PRINCIPALS;
export const EVERYONE = Object.keys(PRINCIPALS) as Who[];

/** Roles in the home tenant, as the setup grants them. */
const MEMBERS: Who[] = ['owner', 'admin', 'approver', 'member', 'auditor'];
const ADMINS: Who[] = ['owner', 'admin'];
const APPROVERS: Who[] = ['owner', 'admin', 'approver'];
const AUDITORS: Who[] = ['owner', 'auditor'];

export interface Expectation {
  /** Admitted on the home tenant's public ids. */
  ok: readonly Who[];
  /**
   * Admitted on a private channel of the home tenant they are not a member of. Default: those of
   * `ok` who see every channel (workspace owners and admins, the workspace's services).
   */
  private?: readonly Who[];
  /**
   * Users whose role gets them past the route's own rule, so that any refusal comes from a rule
   * about the target: they must not learn that a target they may not see exists (404, as for an
   * unknown id). Users stopped by the route's rule get the same 403 whatever the target. Default:
   * every member; `[]` for routes no user ever passes.
   */
  past?: readonly Who[];
}

const CHECKS: Expectation = { ok: [...ADMINS, 'svc-check'], past: ADMINS };

/** Keyed `METHOD /path` exactly as in the OpenAPI document; `#variant` when one route has several. */
export const EXPECTATIONS: Record<string, Expectation> = {
  'GET /healthz': { ok: EVERYONE },
  // How the console signs in (dev or OpenID Connect): public, it names no tenant.
  'GET /v1/console/config': { ok: EVERYONE },
  'GET /readyz': { ok: EVERYONE },
  'GET /v1/me': { ok: EVERYONE },
  // The console's development sign-in: anyone may ask (AUTH_MODE=dev only, as the test API runs).
  'POST /v1/dev/sessions': { ok: EVERYONE },
  // Lists the caller's own workspaces (every one for a platform admin).
  'GET /v1/workspaces': { ok: EVERYONE },

  'POST /v1/workspaces': { ok: ['platform-admin'] },
  // Verifying the whole log reads every tenant's events: the platform's job, not a tenant's.
  'GET /v1/audit/verify': { ok: ['platform-admin'] },
  'GET /v1/workspaces/{workspaceId}': { ok: MEMBERS },
  'GET /v1/workspaces/{workspaceId}/members': { ok: MEMBERS },
  // Lists only the channels (and grants) the caller may see.
  'GET /v1/workspaces/{workspaceId}/channels': { ok: MEMBERS },
  'GET /v1/workspaces/{workspaceId}/grants': { ok: MEMBERS },
  'PATCH /v1/workspaces/{workspaceId}': { ok: ADMINS },
  // Admins manage roles, but owner and auditor are an owner's to give: auditing is a separate duty.
  'PUT /v1/workspaces/{workspaceId}/members/{principalId}/roles/{role}#member': { ok: ADMINS },
  'PUT /v1/workspaces/{workspaceId}/members/{principalId}/roles/{role}#admin': { ok: ADMINS },
  'PUT /v1/workspaces/{workspaceId}/members/{principalId}/roles/{role}#auditor': { ok: ['owner'] },
  'PUT /v1/workspaces/{workspaceId}/members/{principalId}/roles/{role}#owner': { ok: ['owner'] },
  'DELETE /v1/workspaces/{workspaceId}/members/{principalId}/roles/{role}#member': { ok: ADMINS },
  'DELETE /v1/workspaces/{workspaceId}/members/{principalId}/roles/{role}#auditor': { ok: ['owner'] },
  'DELETE /v1/workspaces/{workspaceId}/members/{principalId}/roles/{role}#owner': { ok: ['owner'] },
  // Which services act for the workspace is its admins' decision.
  'PUT /v1/workspaces/{workspaceId}/services/{serviceId}': { ok: ADMINS },
  'DELETE /v1/workspaces/{workspaceId}/services/{serviceId}': { ok: ADMINS },
  'POST /v1/workspaces/{workspaceId}/groups': { ok: ADMINS },
  'PUT /v1/workspaces/{workspaceId}/groups/{groupId}/members/{principalId}': { ok: ADMINS },
  'DELETE /v1/workspaces/{workspaceId}/groups/{groupId}/members/{principalId}': { ok: ADMINS },
  'GET /v1/workspaces/{workspaceId}/connectors': { ok: MEMBERS },
  'POST /v1/workspaces/{workspaceId}/connectors': { ok: ADMINS },
  'GET /v1/workspaces/{workspaceId}/agent-identity': { ok: MEMBERS },
  'PUT /v1/workspaces/{workspaceId}/agent-identity': { ok: ADMINS },
  'POST /v1/workspaces/{workspaceId}/agent-identity/preview': { ok: ADMINS },
  // Bundles: members read them; changing, attaching (an extension) and retiring are an admin's.
  'GET /v1/workspaces/{workspaceId}/bundles': { ok: MEMBERS },
  'GET /v1/workspaces/{workspaceId}/bundles/{bundleId}': { ok: MEMBERS },
  'PUT /v1/workspaces/{workspaceId}/bundles/{bundleId}': { ok: ADMINS },
  'DELETE /v1/workspaces/{workspaceId}/bundles/{bundleId}': { ok: ADMINS },
  'PUT /v1/workspaces/{workspaceId}/bundles/{bundleId}/workspace': { ok: ADMINS },
  'DELETE /v1/workspaces/{workspaceId}/bundles/{bundleId}/workspace': { ok: ADMINS },
  // The route itself is an admin's: others get the same 403 whatever the channel.
  'PUT /v1/workspaces/{workspaceId}/bundles/{bundleId}/channels/{channelId}': { ok: ADMINS, past: ADMINS },
  // A channel's own admins may detach too (it only takes away); the member administers no channel.
  'DELETE /v1/workspaces/{workspaceId}/bundles/{bundleId}/channels/{channelId}': { ok: ADMINS },
  // Organizations: founded by a platform admin, who owns it (the only owner in the matrix); to
  // anyone else an organization does not exist. Joining and leaving are the workspace owner's.
  'POST /v1/organizations': { ok: ['platform-admin'] },
  'GET /v1/organizations/{organizationId}': { ok: ['platform-admin'] },
  'PUT /v1/organizations/{organizationId}/owners/{principalId}': { ok: ['platform-admin'] },
  'DELETE /v1/organizations/{organizationId}/owners/{principalId}': { ok: ['platform-admin'] },
  'PUT /v1/organizations/{organizationId}/invitations/{workspaceId}': { ok: ['platform-admin'] },
  'DELETE /v1/organizations/{organizationId}/invitations/{workspaceId}': { ok: ['platform-admin'] },
  'DELETE /v1/organizations/{organizationId}/workspaces/{workspaceId}': { ok: ['platform-admin'] },
  'GET /v1/organizations/{organizationId}/bundles': { ok: ['platform-admin'] },
  'GET /v1/organizations/{organizationId}/bundles/{bundleId}': { ok: ['platform-admin'] },
  'PUT /v1/organizations/{organizationId}/bundles/{bundleId}': { ok: ['platform-admin'] },
  'DELETE /v1/organizations/{organizationId}/bundles/{bundleId}': { ok: ['platform-admin'] },
  'PUT /v1/organizations/{organizationId}/bundles/{bundleId}/organization': { ok: ['platform-admin'] },
  'DELETE /v1/organizations/{organizationId}/bundles/{bundleId}/organization': { ok: ['platform-admin'] },
  // An organization connection's credential: its owners' only (write-only; members never meet it).
  'PUT /v1/organizations/{organizationId}/connections/{connectionId}/credential': { ok: ['platform-admin'] },
  'GET /v1/organizations/{organizationId}/connections/{connectionId}/credential': { ok: ['platform-admin'] },
  'DELETE /v1/organizations/{organizationId}/connections/{connectionId}/credential': {
    ok: ['platform-admin'],
  },
  'GET /v1/workspaces/{workspaceId}/organization': { ok: MEMBERS },
  'PUT /v1/workspaces/{workspaceId}/organization/{organizationId}': { ok: ['owner'] },
  'DELETE /v1/workspaces/{workspaceId}/organization': { ok: ['owner'] },
  // The kill switch: the workspace's is its admins'; a channel's, its admins' (the fixtures'
  // channels were created by the owner) and the workspace admins', who alone may enable it again.
  'POST /v1/workspaces/{workspaceId}/agent-identity/disable': { ok: ADMINS },
  'POST /v1/workspaces/{workspaceId}/agent-identity/enable': { ok: ADMINS },
  'POST /v1/workspaces/{workspaceId}/channels/{channelId}/agent-identity/disable': { ok: ADMINS },
  'POST /v1/workspaces/{workspaceId}/channels/{channelId}/agent-identity/enable': { ok: ADMINS },
  // Credentials are write-only and an admin's: no other role reads even their metadata.
  'PUT /v1/workspaces/{workspaceId}/connections/{connectionId}/credential': { ok: ADMINS },
  'GET /v1/workspaces/{workspaceId}/connections/{connectionId}/credential': { ok: ADMINS },
  'DELETE /v1/workspaces/{workspaceId}/connections/{connectionId}/credential': { ok: ADMINS },
  'GET /v1/workspaces/{workspaceId}/approval-policy': { ok: MEMBERS },
  'PUT /v1/workspaces/{workspaceId}/approval-policy': { ok: ADMINS },
  'POST /v1/workspaces/{workspaceId}/approval-policy/preview': { ok: ADMINS },

  'POST /v1/workspaces/{workspaceId}/channels': { ok: MEMBERS },
  'GET /v1/workspaces/{workspaceId}/channels/{channelId}': { ok: MEMBERS },
  // Whoever may see the channel may see when it changed (the instants, not what changed).
  'GET /v1/workspaces/{workspaceId}/channels/{channelId}/timeline': { ok: MEMBERS },
  'POST /v1/workspaces/{workspaceId}/channels/{channelId}/archive': { ok: ADMINS },
  'PUT /v1/workspaces/{workspaceId}/channels/{channelId}/members/{principalId}': { ok: ADMINS },
  'DELETE /v1/workspaces/{workspaceId}/channels/{channelId}/members/{principalId}': { ok: ADMINS },
  'POST /v1/workspaces/{workspaceId}/channels/{channelId}/extensions': { ok: ADMINS },
  // A dry run refuses as the change would: only those who may extend the channel get a preview.
  'POST /v1/workspaces/{workspaceId}/channels/{channelId}/overrides/preview': { ok: ADMINS },
  'DELETE /v1/workspaces/{workspaceId}/channels/{channelId}/extensions/{ruleId}': { ok: ADMINS },
  'POST /v1/workspaces/{workspaceId}/channels/{channelId}/restrictions': { ok: ADMINS },
  'DELETE /v1/workspaces/{workspaceId}/channels/{channelId}/restrictions/{ruleId}': { ok: ADMINS },
  'POST /v1/workspaces/{workspaceId}/channels/{channelId}/forbidden': { ok: ADMINS },
  'DELETE /v1/workspaces/{workspaceId}/channels/{channelId}/forbidden/{ruleId}': { ok: ADMINS },
  'PUT /v1/workspaces/{workspaceId}/channels/{channelId}/instructions': { ok: ADMINS },
  'DELETE /v1/workspaces/{workspaceId}/channels/{channelId}/instructions': { ok: ADMINS },
  'PUT /v1/workspaces/{workspaceId}/channels/{channelId}/skills/{skill}': { ok: ADMINS },
  'PUT /v1/workspaces/{workspaceId}/channels/{channelId}/memory-scope': { ok: ADMINS },
  'PUT /v1/workspaces/{workspaceId}/channels/{channelId}/invoke-policy': { ok: ADMINS },
  'DELETE /v1/workspaces/{workspaceId}/channels/{channelId}/invoke-policy': { ok: ADMINS },
  'PUT /v1/workspaces/{workspaceId}/channels/{channelId}/overlays': { ok: ADMINS },
  // Refusing a host here narrows (channel admin); allowing one widens (workspace admin, the decider's rule).
  'PUT /v1/workspaces/{workspaceId}/channels/{channelId}/egress': { ok: ADMINS },
  // Which account at a connector is a member's (what invokerCan overlays ask about): admins'.
  'GET /v1/workspaces/{workspaceId}/external-accounts': { ok: ADMINS },
  'PUT /v1/workspaces/{workspaceId}/members/{principalId}/external-accounts/{connector}': { ok: ADMINS },
  'DELETE /v1/workspaces/{workspaceId}/members/{principalId}/external-accounts/{connector}': { ok: ADMINS },

  // The member is a member of the public channel: its identity is theirs to read.
  'GET /v1/workspaces/{workspaceId}/channels/{channelId}/effective-identity': {
    ok: [...ADMINS, 'member', 'svc-check'],
  },
  // Checks are for services and admins: a member gets the same 403 for any channel.
  'POST /v1/workspaces/{workspaceId}/channels/{channelId}/invoke-check': CHECKS,
  'POST /v1/workspaces/{workspaceId}/channels/{channelId}/memory-check': CHECKS,
  'POST /v1/workspaces/{workspaceId}/channels/{channelId}/egress-check': CHECKS,
  'POST /v1/check': CHECKS,
  'POST /v1/check/batch': CHECKS,
  'POST /access/v1/evaluation': CHECKS,
  'POST /access/v1/evaluations': CHECKS,

  'POST /v1/workspaces/{workspaceId}/agent-actions': { ok: ['svc-actions'], past: [] },
  // Only the service that recorded an action records its outcome (svc-actions recorded these).
  'POST /v1/workspaces/{workspaceId}/agent-actions/{idempotencyKey}/outcome': {
    ok: ['svc-actions'],
    past: [],
  },
  // The runtime that records agent actions records the agent's memory updates too.
  'POST /v1/workspaces/{workspaceId}/channels/{channelId}/memory-events': { ok: ['svc-actions'], past: [] },
  'GET /v1/workspaces/{workspaceId}/agent-actions/{idempotencyKey}': {
    ok: [...AUDITORS, 'svc-actions'],
    private: [...AUDITORS, 'svc-actions'],
    past: AUDITORS,
  },

  // Agent runtimes open egress gateway sessions for the runs they start.
  'POST /v1/workspaces/{workspaceId}/channels/{channelId}/gateway-sessions': {
    ok: ['svc-session'],
    past: [],
  },

  // The agent runtime obtains credential leases; admins and auditors see them, admins revoke them.
  'POST /v1/workspaces/{workspaceId}/credential-leases': { ok: ['svc-lease'], past: [] },
  'GET /v1/workspaces/{workspaceId}/credential-leases': { ok: [...ADMINS, 'auditor'] },
  'GET /v1/workspaces/{workspaceId}/credential-leases/{leaseId}': { ok: [...ADMINS, 'auditor'] },
  'POST /v1/workspaces/{workspaceId}/credential-leases/{leaseId}/revoke': { ok: ADMINS },
  // Lease tokens: the key set is public; introspection is for services with the scope (the
  // workspace is inside the token: another tenant's token is inactive, not refused).
  'GET /.well-known/jwks.json': { ok: EVERYONE },
  'GET /.well-known/authzen-configuration': { ok: EVERYONE },
  'POST /v1/oauth/introspect': { ok: ['svc-lease', 'svc-other'] },

  'GET /v1/workspaces/{workspaceId}/audit/events': { ok: AUDITORS },
  'GET /v1/workspaces/{workspaceId}/audit/access': { ok: AUDITORS },
  'GET /v1/workspaces/{workspaceId}/audit/changes': { ok: AUDITORS },
  'GET /v1/workspaces/{workspaceId}/audit/export': { ok: AUDITORS },

  // Requests of a private channel are as private as the channel.
  'POST /v1/workspaces/{workspaceId}/access-requests': { ok: [...MEMBERS, 'svc-request'] },
  'GET /v1/workspaces/{workspaceId}/access-requests': { ok: MEMBERS },
  'GET /v1/workspaces/{workspaceId}/access-request-updates': { ok: MEMBERS },
  // Members hear the channels they may check; the workspace's check service every channel.
  'GET /v1/workspaces/{workspaceId}/watch': { ok: [...MEMBERS, 'svc-check'] },
  'GET /v1/workspaces/{workspaceId}/access-requests/{requestId}': { ok: MEMBERS },
  'POST /v1/workspaces/{workspaceId}/access-requests/{requestId}/approve': { ok: APPROVERS },
  'POST /v1/workspaces/{workspaceId}/access-requests/{requestId}/deny': { ok: APPROVERS },
  // The member asked for the public channel's requests; only the requester cancels.
  'POST /v1/workspaces/{workspaceId}/access-requests/{requestId}/cancel': { ok: ['member'], private: [] },
  // The approver approved the public channel's grants: an approver of the request may revoke it.
  'POST /v1/workspaces/{workspaceId}/access-requests/{requestId}/revoke': { ok: APPROVERS },
  'POST /v1/workspaces/{workspaceId}/access-requests/{requestId}/extend': { ok: MEMBERS },
  'POST /v1/workspaces/{workspaceId}/access-requests/{requestId}/review': { ok: APPROVERS },
};

/** `global`: an operation outside any workspace. */
export type Target = 'global' | 'home' | 'other-tenant' | 'private-channel';
export type Outcome = 'ok' | 'refused' | 'hidden';

const SEES_EVERY_CHANNEL = new Set<Who>([
  'owner',
  'admin',
  'svc-check',
  'svc-actions',
  'svc-request',
  'svc-lease',
  'svc-session',
]);
const OF_OTHER_TENANT = new Set<Who>(['other-owner', 'svc-other']);
const HOME_SERVICES: Who[] = ['svc-check', 'svc-actions', 'svc-request', 'svc-lease', 'svc-session'];

/** The tenant a caller belongs to; none for callers without a role anywhere. */
export function homeOf(who: Who): 'home' | 'other-tenant' | undefined {
  if (OF_OTHER_TENANT.has(who)) return 'other-tenant';
  return who === 'non-member' || who === 'platform-admin' ? undefined : 'home';
}

/** What `who` must get from `key` on `target`, read from the table above. */
export function expected(key: string, who: Who, target: Target): Outcome {
  const row = EXPECTATIONS[key];
  const admitted = (list: readonly Who[]) => list.includes(who);
  if (target === 'global') return admitted(row.ok) ? 'ok' : 'refused';
  if (row.ok.length === EVERYONE.length) return 'ok';
  const atHome = homeOf(who) === (target === 'other-tenant' ? 'other-tenant' : 'home');
  if (atHome) {
    // The other tenant's owner and service stand where the owner and the services stand here.
    const as: readonly Who[] =
      who === 'other-owner' ? ['owner'] : who === 'svc-other' ? HOME_SERVICES : [who];
    const list =
      target === 'private-channel'
        ? (row.private ?? row.ok.filter((w) => SEES_EVERY_CHANNEL.has(w)))
        : row.ok;
    if (as.some((w) => list.includes(w))) return 'ok';
  }
  if (PRINCIPALS[who].kind === 'service') return 'refused';
  const past = row.past ?? MEMBERS;
  // A user without a role there meets the route's rule as a stranger: the workspace does not exist.
  if (!atHome) return past.length > 0 ? 'hidden' : 'refused';
  if (target === 'private-channel' && !SEES_EVERY_CHANNEL.has(who) && admitted(past)) return 'hidden';
  return 'refused';
}
