import fc from 'fast-check';
import type { Provenance } from '@mandate/domain';
import type { AccessRequestHint } from './access-request.hint';
import { type AuthzenAnswer, serializeAuthzenAnswer } from './authzen-answer.serializer';
import type { AuthzenDecision } from './authzen.evaluator';

const frozenProvenance = (rule: string): Provenance => Object.freeze({ layer: 'restrict' as const, rule });

const hint = (resource: string): AccessRequestHint =>
  Object.freeze({
    requestable: true as const,
    endpoint: 'https://mandate.example/v1/workspaces/acme/access-requests',
    template: 'default',
    reason: 'restrict' as const,
    approval: {
      approvers: [{ roles: ['approver'], principals: [] }],
      quorum: 1,
      maxDurationSeconds: 3600,
      approvalTimeoutSeconds: 600,
      autoApproveUpToSeconds: null,
      reasonRequired: false,
    },
    request: Object.freeze({
      channelId: 'eng',
      connector: 'github',
      actions: ['write'],
      resources: [resource],
    }),
    status: {
      request: 'https://mandate.example/v1/workspaces/acme/access-requests/{requestId}',
      updates: 'https://mandate.example/v1/workspaces/acme/access-request-updates',
    },
  }) as AccessRequestHint;

describe('serializeAuthzenAnswer', () => {
  it('given a batch of allows, denials with hints, and error items, then the text is exactly what JSON.stringify writes', () => {
    const restricted = frozenProvenance('channel/eng/restrictions/no-infra');
    const answer: AuthzenAnswer = {
      evaluations: [
        {
          decision: true,
          context: {
            reason: 'Allowed by "ci"',
            provenance: frozenProvenance('workspace/connections/ci'),
            position: 7,
          },
        },
        {
          decision: false,
          context: {
            reason: 'Restricted "no-infra"',
            provenance: restricted,
            position: 7,
            access_request: hint('acme/infra'),
          },
        },
        {
          decision: false,
          context: {
            reason: 'Restricted "no-infra"',
            provenance: restricted,
            position: 7,
            access_request: hint('acme/infra'),
          },
        },
        {
          decision: false,
          context: {
            error: {
              status: 400,
              code: 'validation-failed',
              message: 'bad',
              errors: [{ path: 'body.subject.id', message: 'x' }],
            },
          },
        },
      ],
    };

    expect(serializeAuthzenAnswer(answer)).toBe(JSON.stringify(answer));
    expect(serializeAuthzenAnswer(answer)).toBe(JSON.stringify(answer));
  });

  it('given a compiled decision answered with another reason, then the other reason is written (the kept text is only used for the reason it was written with)', () => {
    const provenance = frozenProvenance('default-deny');
    const first: AuthzenDecision = { decision: false, context: { reason: 'one', provenance, position: 1 } };
    const second: AuthzenDecision = {
      decision: false,
      context: { reason: 'two "quoted"', provenance, position: 2 },
    };

    expect(serializeAuthzenAnswer(first)).toBe(JSON.stringify(first));
    expect(serializeAuthzenAnswer(second)).toBe(JSON.stringify(second));
  });

  it('given a provenance that is not frozen, when it changes between answers, then each answer writes it as it is then', () => {
    const provenance: Provenance = { layer: 'jit', rule: 'grants/g-1' };
    const answer: AuthzenDecision = {
      decision: true,
      context: { reason: 'granted', provenance, position: 3 },
    };
    const before = serializeAuthzenAnswer(answer);

    provenance.rule = 'grants/g-2';

    expect(before).toBe(
      JSON.stringify({
        ...answer,
        context: { ...answer.context, provenance: { layer: 'jit', rule: 'grants/g-1' } },
      }),
    );
    expect(serializeAuthzenAnswer(answer)).toBe(JSON.stringify(answer));
  });

  it('given any decisions with any strings, then the text is exactly what JSON.stringify writes', () => {
    const decision = fc.record({
      decision: fc.boolean(),
      context: fc.record({
        reason: fc.string({ unit: 'binary' }),
        provenance: fc
          .record({ layer: fc.constantFrom('default', 'jit', 'forbid'), rule: fc.string({ unit: 'binary' }) })
          .map((value) => Object.freeze(value) as Provenance),
        position: fc.nat(),
      }),
    });

    fc.assert(
      fc.property(fc.array(decision, { maxLength: 10 }), (evaluations) => {
        const answer = { evaluations: evaluations as AuthzenDecision[] };
        expect(serializeAuthzenAnswer(answer)).toBe(JSON.stringify(answer));
      }),
    );
  });
});
