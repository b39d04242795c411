import fc from 'fast-check';
import { newKafkaClusterId } from './kafka-cluster-id';

const sixteenBytes = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes));

describe('newKafkaClusterId', () => {
  it('given a first draw whose base64url starts with "-", when making an id, then it draws again', () => {
    // given: 0xf8… encodes to "-Pj4…" in base64url
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x01)];
    // when
    const id = newKafkaClusterId(() => draws.shift()!);
    // then
    expect(id).toBe(Buffer.alloc(16, 0x01).toString('base64url'));
    expect(draws).toHaveLength(0);
  });

  it('given any sequence of draws, when making an id, then it is the first draw that does not start with "-"', () => {
    fc.assert(
      fc.property(fc.array(sixteenBytes, { maxLength: 5 }), (drawn) => {
        // given: whatever was drawn, followed by one draw that is always usable
        const draws = [...drawn, Buffer.alloc(16, 0x01)];
        const expected = draws.map((d) => d.toString('base64url')).find((s) => !s.startsWith('-'));
        // when
        const id = newKafkaClusterId(() => draws.shift()!);
        // then
        expect(id).toBe(expected);
        expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      }),
    );
  });
});
