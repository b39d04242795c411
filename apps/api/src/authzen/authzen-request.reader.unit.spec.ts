import fc from 'fast-check';
import type { DomainError } from '@mandate/domain';
import { toCheckRequest, withDefaults } from './authzen-request.mapping';
import { readEvaluation, readEvaluations } from './authzen-request.reader';
import {
  type AuthzenEvaluation,
  type AuthzenEvaluations,
  authzenEvaluationSchema,
  authzenEvaluationsSchema,
} from './authzen.schemas';

/** Values zod takes or refuses at each place of a request, JSON's and a few only code makes. */
const odd = fc.constantFrom<unknown>(
  null,
  7,
  true,
  'text',
  [],
  [{}],
  Object.create(null),
  JSON.parse('{"__proto__":{"x":1},"kept":2}'),
  { [Symbol('s')]: 1 },
  { constructor: () => 1 },
  new Date(0),
);
const maybe = <T>(value: fc.Arbitrary<T>) => fc.option(fc.oneof(value, odd), { nil: undefined, freq: 3 });
const record = fc.oneof(
  fc.dictionary(
    fc.constantFrom('invokedBy', 'connector', 'at', 'minPosition', 'x', '1', '__proto__', 'constructor'),
    fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant(undefined), fc.object()),
  ),
  // An own `__proto__` key, as JSON.parse makes it: zod leaves it out of the copy.
  fc.constant(JSON.parse('{"x":1,"__proto__":{"invokedBy":"mallory"}}') as unknown),
);
/** An object of `members` (`properties` optional), some odd, an unknown key now and then. */
const entity = (members: Record<string, fc.Arbitrary<unknown>>) =>
  fc
    .tuple(
      fc.record(
        Object.fromEntries(
          Object.entries(members).map(([key, member]) => [
            key,
            fc.oneof({ arbitrary: member, weight: 6 }, { arbitrary: odd, weight: 1 }),
          ]),
        ),
        { requiredKeys: Object.keys(members).filter((key) => key !== 'properties') },
      ),
      fc.option(fc.anything(), { nil: undefined }),
    )
    .map(([value, unknown]) => (unknown === undefined ? value : { ...value, unknown }))
    .chain((value) =>
      fc.oneof(
        { arbitrary: fc.constant(value), weight: 5 },
        { arbitrary: odd, weight: 1 },
        // Present and undefined: JSON never says it, an object can.
        {
          arbitrary: fc.constantFrom(...Object.keys(value)).map((key) => ({ ...value, [key]: undefined })),
          weight: 1,
        },
      ),
    );
const text = fc.oneof(fc.constantFrom('agent', 'acme/eng', 'github:write', 'acme/api'), fc.string());
const subject = entity({ type: text, id: text, properties: maybe(record) });
const action = entity({ name: text, properties: maybe(record) });
const resource = entity({ type: text, id: text, properties: maybe(record) });
const item = fc.record(
  { subject: maybe(subject), action: maybe(action), resource: maybe(resource), context: maybe(record) },
  { requiredKeys: [] },
);
const semantic = fc.constantFrom('execute_all', 'deny_on_first_deny', 'permit_on_first_permit', 'any', 1);
const body = fc.oneof(
  item,
  fc.record(
    {
      subject: maybe(subject),
      action: maybe(action),
      resource: maybe(resource),
      context: maybe(record),
      evaluations: maybe(
        fc.array(fc.oneof({ arbitrary: item, weight: 9 }, { arbitrary: odd, weight: 1 }), { maxLength: 4 }),
      ),
      options: maybe(
        fc.record({ evaluations_semantic: maybe(semantic), other: fc.anything() }, { requiredKeys: [] }),
      ),
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
);

/** Free-form members as PEPs send them (an own `constructor` key is left to the schema). */
const members = fc.dictionary(
  fc.constantFrom('invokedBy', 'connector', 'at', 'minPosition', 'x', '1'),
  fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.object()),
);
/** A request as it arrives: parsed JSON, every entity given. */
const wellFormed = fc
  .record(
    {
      subject: fc.record({ type: text, id: text, properties: members }, { requiredKeys: ['type', 'id'] }),
      action: fc.record({ name: text, properties: members }, { requiredKeys: ['name'] }),
      resource: fc.record({ type: text, id: text }),
      context: members,
    },
    { requiredKeys: ['subject', 'action', 'resource'] },
  )
  .map((value) => JSON.parse(JSON.stringify(value)) as unknown);

/** Every object of a read request is a plain object or array: nothing inherited can be read from it. */
const plainThroughout = (value: unknown): boolean =>
  typeof value !== 'object' ||
  value === null ||
  ([Object.prototype, Array.prototype].includes(Object.getPrototypeOf(value) as object) &&
    Object.values(value).every(plainThroughout));

/** What the evaluator asks of a request: its checks (or refusals) in order, or the refusal of the whole. */
function mapped(request: AuthzenEvaluations): unknown {
  try {
    const { evaluations, single } = withDefaults(request);
    return {
      single,
      semantic: request.options?.evaluations_semantic,
      items: evaluations.map((evaluation, index) => toCheckRequest(evaluation, single ? undefined : index)),
    };
  } catch (error) {
    return { refused: (error as DomainError).issues };
  }
}

describe('the AuthZEN request reader', () => {
  it('given any body, when read, then the schema takes it too and it asks the very checks the parse asks', () => {
    fc.assert(
      fc.property(body, (given) => {
        const read = readEvaluations(given);
        if (read !== undefined) {
          const parsed = authzenEvaluationsSchema.safeParse(given);
          expect(parsed.success).toBe(true);
          expect(mapped(read)).toStrictEqual(mapped(parsed.data as AuthzenEvaluations));
          expect(plainThroughout(read)).toBe(true);
        }
        const one = readEvaluation(given);
        if (one !== undefined) {
          const parsed = authzenEvaluationSchema.safeParse(given);
          expect(parsed.success).toBe(true);
          expect(toCheckRequest(one)).toStrictEqual(toCheckRequest(parsed.data as AuthzenEvaluation));
          expect(plainThroughout(one)).toBe(true);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('given a well-formed evaluation or batch of them (parsed JSON), when read, then it is taken as it is, without the schema', () => {
    fc.assert(
      fc.property(
        wellFormed,
        fc.array(wellFormed, { maxLength: 5 }),
        fc.option(semantic.filter((s) => typeof s === 'string' && s !== 'any')),
        (one, items, chosen) => {
          expect(readEvaluation(one)).toBe(one);
          const batch = JSON.parse(
            JSON.stringify({
              evaluations: items,
              ...(chosen === null ? {} : { options: { evaluations_semantic: chosen } }),
            }),
          ) as unknown;
          expect(readEvaluations(batch)).toBe(batch);
          expect(mapped(readEvaluations(batch) as AuthzenEvaluations)).toStrictEqual(
            mapped(authzenEvaluationsSchema.parse(batch)),
          );
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('given more items than a batch takes, then it is left to the schema, which refuses it', () => {
    const items = Array.from({ length: 1001 }, () => ({}));

    expect(readEvaluations({ evaluations: items })).toBeUndefined();
    expect(authzenEvaluationsSchema.safeParse({ evaluations: items }).success).toBe(false);
  });
});
