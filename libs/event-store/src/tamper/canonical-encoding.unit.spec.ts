import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  canonicalEncode,
  canonicalJson,
  computeEventHash,
  GENESIS_HASH,
  type HashedEnvelope,
} from './canonical-encoding';

const sampleEvent: HashedEnvelope = {
  id: '01936f4e-8a00-7000-8000-000000000001',
  type: 'WorkspaceCreated',
  streamId: 'workspace-acme',
  streamVersion: 0,
  globalPosition: 1,
  occurredAt: '2026-01-02T03:04:05.678Z',
  workspaceId: 'acme',
  actor: { kind: 'user', id: 'alice' },
  data: { name: 'Acme', tags: ['é', 'z', 1.5, null, true], nested: { b: 2, a: 1 } },
  metadata: { correlationId: 'c-1', causationId: null, schemaVersion: 1 },
  prevHash: GENESIS_HASH,
};

const jsonValue = fc.jsonValue({ maxDepth: 4 });

describe('canonical encoding', () => {
  it('given an envelope, when encoded, then it yields the documented bytes (docs/audit.md test vector)', () => {
    const expected =
      '{"actor":{"id":"alice","kind":"user"},"data":{"name":"Acme","nested":{"a":1,"b":2},' +
      '"tags":["é","z",1.5,null,true]},"globalPosition":1,"id":"01936f4e-8a00-7000-8000-000000000001",' +
      '"metadata":{"causationId":null,"correlationId":"c-1","schemaVersion":1},' +
      '"occurredAt":"2026-01-02T03:04:05.678Z","prevHash":"' +
      GENESIS_HASH +
      '","streamId":"workspace-acme","streamVersion":0,"type":"WorkspaceCreated","workspaceId":"acme"}';

    expect(canonicalEncode(sampleEvent).toString('utf8')).toBe(expected);
    expect(computeEventHash(sampleEvent)).toBe(createHash('sha256').update(expected, 'utf8').digest('hex'));
    expect(computeEventHash(sampleEvent)).toBe(
      'a40aa05e20e80c979d2afd02e35b8788bb5b0a42caf14d64c8dfad3dcd32f5cc',
    );
  });

  it('given any JSON value, when it round-trips through JSON text, then its canonical form is unchanged', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonicalJson(value));
      }),
    );
  });

  it('given any JSON value, when its canonical form is parsed, then the same value comes back', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('given envelopes with arbitrary payloads, when encoded, then the fast path equals generic canonical JSON', () => {
    fc.assert(
      fc.property(jsonValue, fc.string(), fc.nat(), (data, streamId, position) => {
        const event = { ...sampleEvent, data, streamId, globalPosition: position };
        expect(canonicalEncode(event).toString('utf8')).toBe(canonicalJson({ ...event }));
      }),
    );
  });

  it('given actors and metadata of any shape, when encoded, then the shortcuts equal generic canonical JSON', () => {
    const actor = fc.oneof(
      fc.record({ kind: fc.string(), id: fc.string() }),
      fc.record({ id: fc.string(), kind: fc.string() }),
      fc.dictionary(fc.constantFrom('id', 'kind', 'extra'), jsonValue),
    );
    const metadata = fc.oneof(
      fc.record({
        correlationId: fc.string(),
        causationId: fc.option(fc.string()),
        schemaVersion: fc.integer(),
      }),
      fc.dictionary(fc.constantFrom('correlationId', 'causationId', 'schemaVersion', 'extra'), jsonValue),
    );
    fc.assert(
      fc.property(actor, metadata, (anActor, someMetadata) => {
        const event = { ...sampleEvent, actor: anActor, metadata: someMetadata } as unknown as HashedEnvelope;
        expect(canonicalEncode(event).toString('utf8')).toBe(canonicalJson({ ...event }));
      }),
    );
  });

  it('given objects with few or many keys, when encoded, then their members come in the default sort order', () => {
    const key = fc.string({ unit: 'binary' }).filter((text) => text !== '__proto__');
    fc.assert(
      fc.property(fc.dictionary(key, fc.integer(), { maxKeys: 40 }), (value) => {
        const reference = Object.keys(value)
          .sort()
          .map((member) => `${JSON.stringify(member)}:${value[member]}`);
        expect(canonicalJson(value)).toBe(`{${reference.join(',')}}`);
      }),
    );
  });

  it('given keys outside the basic plane, when sorted, then UTF-16 code unit order applies (RFC 8785)', () => {
    expect(canonicalJson({ '\u{1F600}': 1, '\uFB01': 2, a: 3 })).toBe('{"a":3,"😀":1,"ﬁ":2}');
  });

  it('given values JSON.stringify drops or converts, when encoded, then they are treated the same way', () => {
    const value = { a: undefined, b: [undefined, () => 1], c: new Date(0), d: { toJSON: () => 'x' } };

    expect(canonicalJson(value)).toBe('{"b":[null,null],"c":"1970-01-01T00:00:00.000Z","d":"x"}');
    expect(canonicalJson(value)).toBe(canonicalJson(JSON.parse(JSON.stringify(value))));
  });

  it('given numbers and escapes, when encoded, then they are written as ECMAScript JSON.stringify does', () => {
    expect(canonicalJson([1e21, 1e-7, -0, 0.1 + 0.2, 'a"\\\n\u0001\u2028'])).toBe(
      '[1e+21,1e-7,0,0.30000000000000004,"a\\"\\\\\\n\\u0001\u2028"]',
    );
  });

  it.each([NaN, Infinity, 10n])('given %p, when encoded, then it is refused', (value) => {
    expect(() => canonicalJson({ value })).toThrow(TypeError);
  });

  it('given an envelope field of the wrong type, when hashed, then it is refused', () => {
    expect(() => computeEventHash({ ...sampleEvent, globalPosition: '1' as unknown as number })).toThrow(
      /globalPosition/,
    );
  });

  it('given two events differing in one field, when hashed, then the hashes differ', () => {
    expect(computeEventHash({ ...sampleEvent, streamVersion: 1 })).not.toBe(computeEventHash(sampleEvent));
    expect(computeEventHash({ ...sampleEvent, prevHash: 'f'.repeat(64) })).not.toBe(
      computeEventHash(sampleEvent),
    );
  });
});
