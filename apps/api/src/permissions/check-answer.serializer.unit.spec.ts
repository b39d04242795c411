import fc from 'fast-check';
import type { Provenance } from '@mandate/domain';
import { type CheckRouteAnswer, serializeCheckAnswer } from './check-answer.serializer';
import type { CheckAnswer } from './permission-checks.service';

const frozenProvenance = (rule: string): Provenance => Object.freeze({ layer: 'restrict' as const, rule });

describe('serializeCheckAnswer', () => {
  it('given a batch repeating compiled decisions, when written, then the text is exactly what JSON.stringify writes', () => {
    // given
    const restricted = frozenProvenance('channel/eng/restrictions/no-infra');
    const answer: CheckRouteAnswer = {
      results: [
        {
          allowed: true,
          reason: 'Allowed by "ci"',
          provenance: frozenProvenance('workspace/connections/ci'),
          position: 7,
        },
        { allowed: false, reason: 'Restricted', provenance: restricted, position: 7 },
        { allowed: false, reason: 'Restricted', provenance: restricted, position: 7 },
      ],
    };

    // then, written twice (the second time from the kept text)
    expect(serializeCheckAnswer(answer)).toBe(JSON.stringify(answer));
    expect(serializeCheckAnswer(answer)).toBe(JSON.stringify(answer));
  });

  it('given a single answer, when written, then it is the answer itself, not a batch', () => {
    const answer: CheckAnswer = {
      allowed: false,
      reason: 'no',
      provenance: frozenProvenance('x'),
      position: 1,
    };

    expect(serializeCheckAnswer(answer)).toBe(JSON.stringify(answer));
  });

  it('given a compiled decision answered with another reason, when written, then the other reason is written', () => {
    const provenance = frozenProvenance('default-deny');

    serializeCheckAnswer({ allowed: false, reason: 'one', provenance, position: 1 });
    const second: CheckAnswer = { allowed: false, reason: 'two "quoted"', provenance, position: 2 };

    expect(serializeCheckAnswer(second)).toBe(JSON.stringify(second));
  });

  it('given a provenance that is not frozen, when it changes between answers, then each answer writes it as it is then', () => {
    // given
    const provenance: Provenance = { layer: 'jit', rule: 'grants/g-1', grantId: 'g-1' };
    const answer: CheckAnswer = { allowed: true, reason: 'granted', provenance, position: 3 };
    const before = serializeCheckAnswer(answer);

    // when
    provenance.rule = 'grants/g-2';

    // then
    expect(before).toContain('"rule":"grants/g-1"');
    expect(serializeCheckAnswer(answer)).toBe(JSON.stringify(answer));
  });

  it('given answers of another shape (extra members, another key order, no position), when written, then JSON.stringify writes them', () => {
    const provenance = frozenProvenance('r');
    const shapes = [
      { allowed: true, reason: 'r', provenance, position: 1, extra: 'kept' },
      { reason: 'r', allowed: true, provenance, position: 1 },
      { allowed: true, reason: 'r', provenance, position: 1.5 },
    ] as unknown as CheckAnswer[];

    for (const answer of shapes) expect(serializeCheckAnswer(answer)).toBe(JSON.stringify(answer));
    const batch = { results: shapes, note: 'x' } as unknown as CheckRouteAnswer;
    expect(serializeCheckAnswer(batch)).toBe(JSON.stringify(batch));
  });

  it('given any answers with any strings, when written, then the text is exactly what JSON.stringify writes', () => {
    const answer = fc.record({
      allowed: fc.boolean(),
      reason: fc.string({ unit: 'binary' }),
      provenance: fc
        .record({ layer: fc.constantFrom('default', 'jit', 'forbid'), rule: fc.string({ unit: 'binary' }) })
        .map((value) => Object.freeze(value) as Provenance),
      position: fc.nat(),
    });

    fc.assert(
      fc.property(fc.array(answer, { maxLength: 10 }), (results) => {
        const batch = { results: results as CheckAnswer[] };
        expect(serializeCheckAnswer(batch)).toBe(JSON.stringify(batch));
      }),
    );
  });
});
