import fc from 'fast-check';
import { toCheckRequest } from './authzen-request.mapping';
import { documentedEvaluationSchema, documentedEvaluationsDoc } from './authzen-request.doc';
import { type AuthzenEvaluation, authzenEvaluationSchema } from './authzen.schemas';

/** Values at and across each field's edges, valid and not. */
const subjectType = fc.constantFrom('agent', 'user', '', 'Agent');
const subjectId = fc.constantFrom(
  'acme/eng',
  `${'a'.repeat(63)}/${'b'.repeat(63)}`,
  '0-a/b-0',
  'acme',
  'acme/eng/x',
  'Acme/eng',
  '/eng',
  'acme/',
  `${'a'.repeat(64)}/b`,
  '-a/b',
  'acme/eng ',
);
const invokedBy = fc.constantFrom(
  undefined,
  'alice',
  'Alice@example.com',
  '',
  'x'.repeat(200),
  'x'.repeat(201),
);
// A connector named in the action is the rule the document cannot state (tested apart below).
const actionName = fc.constantFrom(
  'read',
  'can_read',
  '',
  'x'.repeat(100),
  'x'.repeat(101),
  'gitlab:read',
  ':read',
);
const resourceType = fc.constantFrom('github', 'a', '', 'x'.repeat(100), 'x'.repeat(101));
const resourceId = fc.constantFrom('acme/api', 'not a resource', '', 'x'.repeat(1000), 'x'.repeat(1001));
const context = fc.constantFrom<Record<string, unknown> | undefined>(
  undefined,
  {},
  { at: '2026-01-01T00:00:00Z' },
  { at: '2026-01-01T00:00:00+02:00' },
  { at: 'yesterday' },
  { at: 7 },
  { minPosition: 3 },
  { minPosition: -1 },
  { minPosition: 1.5 },
  { minPosition: '3' },
  { time: 'ignored' },
);

const evaluation = fc
  .record({ subjectType, subjectId, invokedBy, actionName, resourceType, resourceId, context })
  .map((v): AuthzenEvaluation => ({
    subject: {
      type: v.subjectType,
      id: v.subjectId,
      ...(v.invokedBy === undefined ? {} : { properties: { invokedBy: v.invokedBy } }),
    },
    action: { name: v.actionName },
    resource: { type: v.resourceType, id: v.resourceId },
    ...(v.context === undefined ? {} : { context: v.context }),
  }));

describe('the AuthZEN routes’ OpenAPI request schemas say what the API answers', () => {
  it('given any evaluation, then the document accepts it exactly when the API maps it to a check', () => {
    fc.assert(
      fc.property(evaluation, (given) => {
        expect(authzenEvaluationSchema.safeParse(given).success).toBe(true);
        expect(documentedEvaluationSchema.safeParse(given).success).toBe(toCheckRequest(given).ok);
      }),
      { numRuns: 2_000 },
    );
  });

  it('given `<connector>:<action>` naming resource.type, then it is answered though the document names the action alone', () => {
    const given: AuthzenEvaluation = {
      subject: { type: 'agent', id: 'acme/eng' },
      action: { name: 'github:read' },
      resource: { type: 'github', id: 'acme/api' },
    };

    expect(toCheckRequest(given).ok).toBe(true);
    expect(documentedEvaluationSchema.safeParse(given).success).toBe(false);
  });

  it('given the evaluations document, then items take each entity from themselves or the defaults, and no items means one documented evaluation', () => {
    const doc = documentedEvaluationsDoc() as { anyOf: Array<Record<string, unknown>> };
    const [items, single] = doc.anyOf;

    expect(items).toMatchObject({
      required: ['evaluations'],
      properties: { evaluations: { minItems: 1, maxItems: 1000 } },
      allOf: ['subject', 'action', 'resource'].map((key) => ({
        anyOf: [{ required: [key] }, { properties: { evaluations: { items: { required: [key] } } } }],
      })),
    });
    expect(single).toMatchObject({
      required: ['subject', 'action', 'resource'],
      properties: {
        subject: { properties: { type: { enum: ['agent'] } } },
        evaluations: { maxItems: 0 },
      },
    });
  });
});
