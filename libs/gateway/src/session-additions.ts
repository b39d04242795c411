import type { Decision } from '@mandate/domain';
import type { GatewaySession } from './session-token';

/**
 * Additions are not retroactive: an allow that comes from a bundle whose attachment reached the
 * channel at or after the session was opened is not the session's (it keeps what it started with);
 * removals need nothing here, since every decision is taken against the projection as it is now.
 * The session's start is known to the second (`iat`), so an attachment within that second counts
 * as after it: the doubt goes to a denial. The allow could have had a second source the first one
 * shadowed; that too is refused (a retry in a new session gets it).
 */
export function withinSessionStart(
  decision: Decision,
  session: Pick<GatewaySession, 'issuedAtMs'>,
  reachStartedAtMs: number | undefined,
): Decision {
  if (!decision.allowed || session.issuedAtMs === undefined || reachStartedAtMs === undefined)
    return decision;
  if (reachStartedAtMs < session.issuedAtMs) return decision;
  const { bundle = '', scope = '' } = decision.provenance;
  return {
    allowed: false,
    reason: `Access bundle "${bundle}" reached the ${scope} after this gateway session started; a session keeps the attachments it started with (open a new one)`,
    provenance: { layer: 'default', rule: `session/attached-after-start/${bundle}` },
  };
}
