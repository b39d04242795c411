import { z } from 'zod';
import { identifierSchema, principalIdSchema } from '../common/identifiers';
import { eventSchemasOf, type EventsOf } from '../shared';

/** The agent runtime's id of one run of the agent: printable, bounded, safe in logs. */
export const runIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1-128 of A-Z a-z 0-9 . _ : -');

/** `sha256:` and the hex digest of the session token: names the token without being it. */
export const sessionFingerprintSchema = z.string().regex(/^sha256:[0-9a-f]{64}$/);

const gatewaySessionEvents = {
  /**
   * A session of the egress gateway, opened by an agent runtime for one run: the token itself is
   * never recorded (it is a bearer credential until `expiresAt`), only its fingerprint.
   */
  GatewaySessionOpened: z.object({
    sessionId: z.uuid(),
    channelId: identifierSchema,
    invokedBy: principalIdSchema,
    runId: runIdSchema,
    expiresAt: z.iso.datetime(),
    fingerprint: sessionFingerprintSchema,
  }),
};

export type GatewaySessionEvent = EventsOf<typeof gatewaySessionEvents>;
export const gatewaySessionEventSchemas = eventSchemasOf(gatewaySessionEvents);

/** One short stream per session: nothing grows without bound. */
export const gatewaySessionStreamId = (workspaceId: string, sessionId: string): string =>
  `gateway-session-${workspaceId}.${sessionId}`;
