import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Actor } from '@mandate/domain';
import { canonicalJson } from '@mandate/event-store';

/**
 * What the API vouches for when it sends a JIT command through Temporal: this caller asked for
 * this command on this request, in this approval round. Roles and the approval policy are not
 * part of it: the activity reads them from the log.
 */
export interface JitCommandClaims {
  workspaceId: string;
  requestId: string;
  /** The request's latest round when the caller acted (`latestRound`); 0 for the request itself. */
  round: number;
  command: { type: string; actor: Actor; now?: string; callerRoles?: unknown; policy?: unknown };
}

/** A signature checked: `valid`, or valid for another round than the request is in now. */
export type JitSignatureCheck = 'valid' | 'invalid' | 'other-round';

const PURPOSE = 'mandate.jit-command.v1';
const VERSION = 'v1';

/**
 * The signed part of a command: everything but the roles and the policy (re-derived from the log)
 * and, for an update, the time (the workflow's own clock). A request's time is the API's and sets
 * its approval deadline, so it is signed.
 */
function vouched(command: JitCommandClaims['command']): Record<string, unknown> {
  const { callerRoles: _roles, policy: _policy, now, ...rest } = command;
  return command.type === 'RequestAccess' ? { ...rest, now } : rest;
}

const mac = (key: Buffer, claims: JitCommandClaims): Buffer =>
  createHmac('sha256', key)
    .update(
      `${PURPOSE}\n${canonicalJson({
        workspaceId: claims.workspaceId,
        requestId: claims.requestId,
        round: claims.round,
        command: vouched(claims.command),
      })}`,
    )
    .digest();

/** `v1.<round>.<HMAC-SHA256, base64url>`: the round travels in clear so a stale one can be told apart. */
export function signJitCommand(key: Buffer, claims: JitCommandClaims): string {
  return `${VERSION}.${claims.round}.${mac(key, claims).toString('base64url')}`;
}

/**
 * Checks `signature` against the claims as the activity reads them from the log. A signature made
 * for another round of the same request (a decision the request has moved past) is told apart
 * from a forged one, so the caller can get a conflict rather than a refusal.
 */
export function checkJitCommandSignature(
  key: Buffer,
  claims: JitCommandClaims,
  signature: string | undefined,
): JitSignatureCheck {
  const match = /^v1\.(0|[1-9][0-9]{0,5})\.([A-Za-z0-9_-]{43})$/.exec(signature ?? '');
  if (match === null) return 'invalid';
  const signedRound = Number(match[1]);
  const expected = mac(key, { ...claims, round: signedRound });
  const given = Buffer.from(match[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  return signedRound === claims.round ? 'valid' : 'other-round';
}
