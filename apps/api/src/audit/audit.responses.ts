import { z } from 'zod';
import { toOpenApiSchema } from '@mandate/http';

/**
 * Response shapes of the audit routes, for the OpenAPI document only (answers are built from typed
 * values by the audit services): the console and other clients type the answers from these.
 */
const actor = z.object({ kind: z.enum(['user', 'service', 'agent', 'system']), id: z.string() });

const grantTrail = z.object({
  grantId: z.string(),
  requestId: z.string(),
  requestedBy: z.string().nullable(),
  invokedBy: z.string().nullable(),
  reason: z.string().nullable(),
  mode: z.string().nullable(),
  approvers: z.array(z.string()),
  grantedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  events: z
    .array(z.number().int())
    .describe("Log positions of the request's events up to the answer's position"),
});

/** A lease as its `CredentialLeaseIssued` event records it: what it covers, for whom, until when. */
const issuedLease = z
  .object({
    workspaceId: z.string(),
    leaseId: z.string().describe('UUID of the lease'),
    idempotencyKey: z
      .string()
      .describe('The key the asking service sent; a retry with it is answered the same lease'),
    channelId: z.string(),
    connector: z.string(),
    connectionId: z.string().describe('The baseline connection whose credential the lease is cut from'),
    credentialKind: z.enum(['github-app', 'oauth2-client', 'mandate-jwt']),
    actions: z.array(z.string()),
    resources: z.array(z.string()),
    invokedBy: z.string().describe('The person the agent acted for'),
    requestedBy: actor.describe('The service that asked for the lease'),
    grantId: z.string().nullable().describe('The JIT grant the lease derives from (its end ends the lease)'),
    issuedAt: z.string(),
    expiresAt: z.string(),
    tokenFingerprint: z.string().describe("The token's keyed fingerprint (hmac-sha256:…), never the token"),
    narrowing: z
      .object({
        hosts: z.array(z.string()).optional(),
        pathPrefixes: z.array(z.string()).optional(),
        methods: z.union([z.array(z.string()), z.string()]).optional(),
      })
      .optional()
      .describe("The connection's narrowing when the lease was issued (absent: not narrowed)"),
  })
  .describe('The lease as its CredentialLeaseIssued event records it (a token fingerprint, never a token)');

const leaseTrail = z.object({
  lease: issuedLease,
  status: z.enum(['issued', 'revoked', 'ended']),
  reason: z.string().nullable(),
  grant: grantTrail.nullable(),
});

const recordedEvent = z.object({
  id: z.string(),
  type: z.string(),
  streamId: z.string(),
  streamVersion: z.number().int(),
  globalPosition: z.number().int(),
  occurredAt: z.string(),
  recordedAt: z.string(),
  workspaceId: z.string(),
  actor,
  data: z.unknown(),
  metadata: z.object({
    correlationId: z.string(),
    causationId: z.string().nullable(),
    schemaVersion: z.number().int(),
  }),
  prevHash: z.string(),
  hash: z.string(),
  traceparent: z.string().optional(),
});

export const auditEventsDoc = toOpenApiSchema(
  z.object({
    events: z.array(recordedEvent),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page'),
    hasMore: z.boolean(),
    grants: z
      .record(z.string(), grantTrail)
      .describe("The humans behind each grant a decision's provenance names"),
    leases: z.record(z.string(), leaseTrail).describe('Each credential lease an event on the page names'),
    indexedThrough: z.number().int(),
  }),
);

const provenance = z.object({
  layer: z.enum([
    'disabled',
    'forbid',
    'overlay',
    'restrict',
    'jit',
    'channel',
    'baseline',
    'default',
    'invoke',
  ]),
  rule: z.string(),
  pattern: z.string().optional(),
  grantId: z.string().optional(),
  expiresAt: z.string().optional(),
  bundle: z.string().optional(),
  scope: z.enum(['organization', 'workspace', 'channel']).optional(),
  condition: z.string().optional(),
});

const channelAccess = z.object({
  channelId: z.string(),
  reason: z.string(),
  through: provenance,
  grant: grantTrail.optional(),
});

export const auditAccessDoc = toOpenApiSchema(
  z.object({
    at: z.string(),
    position: z.number().int().describe("The workspace's last event at or before `at`"),
    question: z.object({ connector: z.string(), action: z.string(), resource: z.string() }),
    allowed: z.array(channelAccess),
    denied: z.array(channelAccess),
    leases: z.array(leaseTrail).describe('The credential leases out for exactly this at that instant'),
  }),
);

const moment = z.object({ at: z.string(), position: z.number().int() });

export const auditChangesDoc = toOpenApiSchema(
  z.object({
    from: moment,
    to: moment,
    changes: z.array(
      z.object({
        change: z.enum(['added', 'removed']),
        entry: z.object({
          channelId: z.string(),
          effect: z.enum(['allow', 'restrict', 'forbid']),
          source: z.enum(['baseline', 'channel', 'bundle', 'jit', 'workspace']),
          rule: z.string(),
          connector: z.string(),
          actions: z.array(z.string()),
          resources: z.array(z.string()),
          grantId: z.string().optional(),
          expiresAt: z.string().optional(),
        }),
        causes: z.array(
          z.object({
            globalPosition: z.number().int(),
            type: z.string(),
            occurredAt: z.string(),
            actor,
            correlationId: z.string(),
          }),
        ),
        expired: z
          .boolean()
          .optional()
          .describe('A JIT grant that lapsed by its expiry between the two moments'),
      }),
    ),
  }),
);

export const auditVerifyDoc = toOpenApiSchema(
  z.object({
    ok: z.boolean(),
    verified: z.object({ from: z.number().int(), through: z.number().int() }),
    head: z.number().int(),
    firstBad: z.object({ position: z.number().int(), problem: z.string(), message: z.string() }).nullable(),
    latestCheckpoint: z
      .object({
        position: z.number().int(),
        headHash: z.string(),
        signedAt: z.string(),
        keyId: z.string(),
        signature: z.string(),
        verified: z.boolean(),
      })
      .nullable(),
    checkpointsChecked: z.number().int(),
    durationMs: z.number().int(),
  }),
);
