import { z } from 'zod';
import { connectionNarrowingSchema } from '@mandate/domain';
import { toOpenApiSchema } from '@mandate/http';

/** Response shapes, for the OpenAPI document only (answers are built from typed domain values). */
const kind = z.enum(['github-app', 'oauth2-client', 'mandate-jwt']);
const terms = {
  leaseId: z.string(),
  credentialKind: kind,
  connectionId: z.string(),
  channelId: z.string(),
  connector: z.string(),
  actions: z.array(z.string()),
  resources: z.array(z.string()).describe('Canonical, concrete resources'),
  grantId: z.string().nullable().describe('The JIT grant the lease derives from: its end ends the lease'),
  issuedAt: z.string(),
  expiresAt: z.string(),
  position: z.number().int().describe('Log position of the lease record'),
};

export const issuedLeaseDoc = toOpenApiSchema(
  z.object({
    ...terms,
    token: z.string().describe('The credential: returned in this answer only, never recorded'),
    tokenType: z.literal('Bearer'),
  }),
);

const leaseView = z.object({
  ...terms,
  workspaceId: z.string(),
  idempotencyKey: z.string(),
  invokedBy: z.string(),
  requestedBy: z.object({ kind: z.string(), id: z.string() }),
  tokenFingerprint: z.string().describe('Keyed HMAC of the token, never the token'),
  status: z.enum(['active', 'expired', 'revoked', 'ended']),
  revocation: z.object({ reason: z.string() }).nullable(),
  end: z.object({ reason: z.string() }).nullable(),
  narrowing: connectionNarrowingSchema
    .optional()
    .describe("The connection's narrowing when the lease was issued (hosts, path prefixes, methods)"),
});

export const leaseViewDoc = toOpenApiSchema(leaseView);

export const leaseListDoc = toOpenApiSchema(
  z.object({
    items: z.array(leaseView),
    next: z.string().optional().describe('Present when more leases follow: pass it as `after`'),
  }),
);

export const jwksDoc = toOpenApiSchema(
  z.object({ keys: z.array(z.object({ kty: z.string(), crv: z.string(), x: z.string(), kid: z.string() })) }),
);

export const introspectionDoc = toOpenApiSchema(
  z.object({
    active: z.boolean(),
    token_type: z.string().optional(),
    iss: z.string().optional(),
    sub: z.string().optional(),
    aud: z.string().optional(),
    scope: z.string().optional(),
    resources: z.array(z.string()).optional(),
    iat: z.number().int().optional(),
    exp: z.number().int().optional(),
    jti: z.string().optional(),
    narrowing: z
      .object({
        hosts: z.array(z.string()).optional(),
        path_prefixes: z.array(z.string()).optional(),
        methods: z.array(z.string()).optional(),
      })
      .optional(),
  }),
);
