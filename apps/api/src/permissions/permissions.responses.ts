import { z } from 'zod';
import { connectionNarrowingSchema } from '@mandate/domain';
import { toOpenApiSchema } from '@mandate/http';

/** Response shapes, for the OpenAPI document only (answers are built from typed domain values). */
const provenance = z.object({
  layer: z.enum(['disabled', 'forbid', 'restrict', 'jit', 'channel', 'baseline', 'default']),
  rule: z.string(),
  pattern: z.string().optional(),
  grantId: z.string().optional(),
  expiresAt: z.string().optional(),
  bundle: z
    .string()
    .optional()
    .describe("The access bundle that allowed it; `baseline` for the baseline's own"),
  scope: z
    .enum(['organization', 'workspace', 'channel'])
    .optional()
    .describe('Where that bundle is attached'),
});
const checkAnswer = z.object({
  allowed: z.boolean(),
  reason: z.string(),
  provenance,
  position: z.number().int().describe('Log position the answer reflects'),
});

export const checkAnswerDoc = toOpenApiSchema(checkAnswer);
export const batchAnswerDoc = toOpenApiSchema(z.object({ results: z.array(checkAnswer) }));
export const boundaryAnswerDoc = toOpenApiSchema(
  z.object({
    allowed: z.boolean(),
    reason: z.string(),
    rule: z.string(),
    layer: z.literal('disabled').optional().describe('Present when the kill switch decided'),
    grantId: z.string().optional().describe('For egress allowed by a JIT grant: the grant'),
    expiresAt: z.string().optional().describe('For egress allowed by a JIT grant: until when'),
    position: z.number().int(),
  }),
);
const egressEntry = z.object({
  host: z.string(),
  ports: z.array(z.number().int()),
  source: z.enum(['workspace', 'bundle', 'channel', 'jit-grant']),
  rule: z.string().optional(),
  bundle: z.string().optional(),
  scope: z.string().optional(),
  grantId: z.string().optional(),
  expiresAt: z.string().optional(),
});
const rule = z.object({
  id: z.string(),
  connector: z.string(),
  actions: z.array(z.string()),
  resources: z.array(z.string()),
});
export const channelIdentityDoc = toOpenApiSchema(
  z.object({
    workspaceId: z.string(),
    channelId: z.string(),
    archived: z.boolean(),
    connections: z.array(
      z.object({
        source: z.enum(['baseline', 'channel', 'bundle', 'jit']),
        rule: z.string(),
        bundle: z.string().optional(),
        scope: z.enum(['organization', 'workspace', 'channel']).optional(),
        connector: z.string(),
        account: z.string().optional(),
        actions: z.array(z.string()),
        resources: z.array(z.string()),
        grantId: z.string().optional(),
        expiresAt: z.string().optional(),
        narrowing: connectionNarrowingSchema
          .optional()
          .describe("Where the connection's credential may be used; absent: anywhere its rules allow"),
      }),
    ),
    restrictions: z.array(rule),
    forbidden: z.array(rule.extend({ source: z.enum(['workspace', 'channel']) })),
    overlays: z
      .array(
        rule.extend({
          source: z.enum(['workspace', 'channel']),
          rule: z.string(),
          invoker: z.record(z.string(), z.unknown()),
        }),
      )
      .describe(
        'Identity-aware overlays in force here: what the invoker must satisfy (role, group, principals or invokerCan); `rule` is what check provenance names',
      ),
    repositories: z.array(z.string()),
    skills: z.array(z.string()),
    instructions: z.string(),
    memory: z.object({ own: z.string(), readable: z.array(z.string()), writable: z.array(z.string()) }),
    bundles: z
      .array(
        z.object({
          bundle: z.string(),
          name: z.string(),
          scope: z.enum(['organization', 'workspace', 'channel']),
          connections: z.array(z.string()),
          repositories: z.array(z.string()),
          skills: z.array(z.string()),
          instructions: z.string(),
          domains: z.array(z.object({ host: z.string(), ports: z.array(z.number().int()) })),
        }),
      )
      .describe('Access bundles reaching the channel; their items are merged into the lists above'),
    egress: z
      .array(egressEntry)
      .describe(
        'Where the agent may connect from here, with provenance; `jit-grant` entries end at `expiresAt`',
      ),
    egressRefused: z
      .array(egressEntry)
      .describe(
        'Hosts the channel refuses whatever is allowed elsewhere; `rule` is what an egress refusal names',
      ),
    invokePolicy: z.object({
      source: z.enum(['workspace', 'channel']),
      policy: z.record(z.string(), z.unknown()),
    }),
    position: z.number().int(),
    disabled: z
      .object({ scope: z.enum(['workspace', 'channel']), rule: z.string(), reason: z.string() })
      .nullable()
      .describe('The kill switch in force here; while set every check denies with layer `disabled`'),
    leases: z
      .array(
        z.object({
          leaseId: z.string(),
          connectionId: z.string(),
          connector: z.string(),
          actions: z.array(z.string()),
          resources: z.array(z.string()),
          invokedBy: z.string(),
          grantId: z.string().nullable().describe('The JIT grant the lease derives from, if any'),
          expiresAt: z.string(),
        }),
      )
      .describe(
        'Credential leases live in the channel at the answer’s instant (now, or `at` from the log), newest first (never a token)',
      ),
  }),
);
