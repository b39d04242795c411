import fc from 'fast-check';
import { readBatchCheckBody, readCheckBody, readCheckRequest } from './check-request.reader';
import { batchCheckRequestSchema, checkRequestSchema } from './permissions.schemas';

/** Strings near every bound and pattern the schema states, and anything else. */
const identifier = fc.oneof(
  fc.constantFrom(
    'acme',
    'eng',
    'a',
    '0',
    'a-b',
    '-a',
    'A',
    'a_b',
    'a/b',
    'a\n',
    '',
    'é',
    'a'.repeat(63),
    'a'.repeat(64),
  ),
  fc.stringMatching(/^[a-z0-9-]{0,70}$/),
  fc.string(),
);
const sized = (max: number) =>
  fc.oneof(
    fc.constantFrom(
      '',
      'x',
      'x'.repeat(max),
      'x'.repeat(max + 1),
      '😀'.repeat(max / 2),
      '😀'.repeat(max / 2 + 1),
    ),
    fc.string({ maxLength: max + 2 }),
  );
const odd = fc.constantFrom<unknown>(null, 7, true, [], {}, '', -0, 1.5, -1, 2 ** 53, Number.NaN, Infinity);
const member = (value: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: value, weight: 8 }, { arbitrary: odd, weight: 1 });
const optional = (value: fc.Arbitrary<unknown>) => fc.option(member(value), { nil: undefined, freq: 2 });
const check = fc.record({
  workspaceId: member(identifier),
  channelId: member(identifier),
  connector: member(sized(100)),
  action: member(sized(100)),
  resource: member(sized(1000)),
  invokedBy: optional(sized(200)),
  at: optional(fc.constantFrom('2026-01-01T00:00:00Z', 'yesterday')),
  minPosition: optional(fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.constant(Number.MAX_SAFE_INTEGER))),
});

/** What the API would hand the schema: only the members given (an absent optional one left out). */
const candidateOf = (members: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(members).filter(([, value]) => value !== undefined));

const read = (members: Record<string, unknown>) =>
  readCheckRequest(
    members.workspaceId,
    members.channelId,
    members.connector,
    members.action,
    members.resource,
    members.invokedBy,
    members.at,
    members.minPosition,
  );

describe('the check request reader', () => {
  it('given any members, when read, then it is what the schema parses, or left to the schema', () => {
    fc.assert(
      fc.property(check, (members) => {
        const taken = read(members);
        if (taken !== undefined) expect(taken).toStrictEqual(checkRequestSchema.parse(candidateOf(members)));
      }),
      { numRuns: 5_000 },
    );
  });

  it('given a well-formed check without an instant, when read, then it is taken without the schema', () => {
    const members = { workspaceId: 'acme', channelId: 'eng', connector: 'github', action: 'write' };
    const given = { ...members, resource: 'acme/api', invokedBy: 'alice', minPosition: 42 };

    expect(read(given)).toStrictEqual(checkRequestSchema.parse(given));
    expect(Object.keys(read(given) ?? {})).toEqual(Object.keys(checkRequestSchema.parse(given)));
    expect(read({ ...members, resource: 'acme/api' })).toStrictEqual({ ...members, resource: 'acme/api' });
  });

  it('given an instant, then it is left to the schema (its ISO-8601 parse is the one definition)', () => {
    const given = {
      workspaceId: 'acme',
      channelId: 'eng',
      connector: 'github',
      action: 'write',
      resource: 'a/b',
    };

    expect(read({ ...given, at: '2026-01-01T00:00:00Z' })).toBeUndefined();
  });
});

/** A body as it may arrive: the members given, sometimes one the schema does not know, or no object at all. */
const body = fc.oneof(
  { arbitrary: check.map(candidateOf), weight: 6 },
  {
    arbitrary: fc
      .tuple(check.map(candidateOf), fc.constantFrom('extra', 'toString', 'constructor', 'checks'), odd)
      .map(([members, name, value]) => ({ ...members, [name]: value })),
    weight: 1,
  },
  { arbitrary: odd, weight: 1 },
);

/** What the schema answers: the parsed value, or its refusal's issues. */
const parsed = (schema: typeof checkRequestSchema | typeof batchCheckRequestSchema, value: unknown) =>
  schema.safeParse(value);

describe('the check bodies reader', () => {
  it('given any body, when read, then it is what the schema parses, or left to the schema', () => {
    fc.assert(
      fc.property(body, (given) => {
        const taken = readCheckBody(given);
        if (taken === undefined) return;
        const schema = parsed(checkRequestSchema, given);
        expect(schema.success).toBe(true);
        expect(taken).toStrictEqual(schema.data);
      }),
      { numRuns: 5_000 },
    );
  });

  it('given a member the strict schema does not know, then it is left to the schema, which refuses it', () => {
    const given = {
      workspaceId: 'acme',
      channelId: 'eng',
      connector: 'github',
      action: 'write',
      resource: 'a/b',
      extra: 1,
    };

    expect(readCheckBody(given)).toBeUndefined();
    expect(parsed(checkRequestSchema, given).success).toBe(false);
  });

  it('given any batch body, when read, then it is what the schema parses, or left to the schema', () => {
    const batch = fc.oneof(
      { arbitrary: fc.array(body, { maxLength: 4 }).map((checks) => ({ checks })), weight: 6 },
      { arbitrary: fc.array(body, { maxLength: 2 }).map((checks) => ({ checks, extra: true })), weight: 1 },
      { arbitrary: odd.map((checks) => ({ checks })), weight: 1 },
      { arbitrary: odd, weight: 1 },
    );
    fc.assert(
      fc.property(batch, (given) => {
        const taken = readBatchCheckBody(given);
        if (taken === undefined) return;
        const schema = parsed(batchCheckRequestSchema, given);
        expect(schema.success).toBe(true);
        expect(taken).toStrictEqual(schema.data);
      }),
      { numRuns: 2_000 },
    );
  });

  it('given an empty batch or one over the limit, then it is left to the schema', () => {
    const one = {
      workspaceId: 'acme',
      channelId: 'eng',
      connector: 'github',
      action: 'write',
      resource: 'a',
    };

    expect(readBatchCheckBody({ checks: [] })).toBeUndefined();
    expect(readBatchCheckBody({ checks: new Array(1001).fill(one) })).toBeUndefined();
    expect(readBatchCheckBody({ checks: new Array(1000).fill(one) })?.checks).toHaveLength(1000);
  });
});
