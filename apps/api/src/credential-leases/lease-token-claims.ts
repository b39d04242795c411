import type { MandateJwtClaims, MandateJwtNarrowing } from '@mandate/credentials';
import { type ConnectionNarrowing, type CredentialLeaseIssuedData, narrowedMethods } from '@mandate/domain';

/** `agent:{workspace}/{channel}`: the agent's identity in a channel, as a token subject. */
export const agentSubject = (workspaceId: string, channelId: string): string =>
  `agent:${workspaceId}/${channelId}`;

const AGENT_SUBJECT = /^agent:([a-z0-9][a-z0-9-]{0,62})\/([a-z0-9][a-z0-9-]{0,62})$/;

/** The workspace and channel of an agent subject; undefined for anything else. */
export function parseAgentSubject(subject: unknown): { workspaceId: string; channelId: string } | undefined {
  const match = typeof subject === 'string' ? AGENT_SUBJECT.exec(subject) : null;
  return match === null ? undefined : { workspaceId: match[1], channelId: match[2] };
}

const seconds = (instant: string): number => Math.floor(Date.parse(instant) / 1000);

/**
 * The `narrowing` claim of a narrowed connection's lease: its parts as recorded, `read-only`
 * spelled out as the methods it admits, so a verifier needs no vocabulary of Mandate's.
 */
export function tokenNarrowing(narrowing: ConnectionNarrowing): MandateJwtNarrowing {
  const methods = narrowedMethods(narrowing);
  return {
    ...(narrowing.hosts !== undefined && { hosts: [...narrowing.hosts] }),
    ...(narrowing.pathPrefixes !== undefined && { path_prefixes: [...narrowing.pathPrefixes] }),
    ...(methods !== undefined && { methods: [...methods] }),
  };
}

/**
 * A `mandate-jwt`'s claims, all from the recorded lease: re-signing a lease gives the same token.
 * `scope` lists the actions (RFC 9068); `resources` the canonical resources they apply to;
 * `narrowing` where the token may be used, when its connection was narrowed at issue.
 */
export const leaseTokenClaims = (
  issuer: string,
  lease: Pick<
    CredentialLeaseIssuedData,
    | 'workspaceId'
    | 'channelId'
    | 'connector'
    | 'actions'
    | 'resources'
    | 'issuedAt'
    | 'expiresAt'
    | 'leaseId'
    | 'narrowing'
  >,
): MandateJwtClaims => ({
  iss: issuer,
  sub: agentSubject(lease.workspaceId, lease.channelId),
  aud: lease.connector,
  scope: lease.actions.join(' '),
  resources: lease.resources,
  iat: seconds(lease.issuedAt),
  exp: seconds(lease.expiresAt),
  jti: lease.leaseId,
  ...(lease.narrowing !== undefined && { narrowing: tokenNarrowing(lease.narrowing) }),
});
