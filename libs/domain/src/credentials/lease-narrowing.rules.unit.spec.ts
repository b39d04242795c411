import { leaseNarrowingHolds } from './lease-narrowing.rules';

const code = { id: 'code', connector: 'github', account: 'app:1', actions: ['read'], resources: ['acme/*'] };
const readOnly = { pathPrefixes: ['/repos/acme'], methods: 'read-only' as const };
const baseline = (narrowing?: typeof readOnly) => [narrowing === undefined ? code : { ...code, narrowing }];

describe('a lease and its connection narrowing', () => {
  it('given the narrowing it was issued under (or none, before and now), then it holds', () => {
    expect(leaseNarrowingHolds(baseline(readOnly), { connectionId: 'code', narrowing: readOnly })).toBe(true);
    expect(leaseNarrowingHolds(baseline(), { connectionId: 'code' })).toBe(true);
    // Read back from the log, the same narrowing comes in canonical key order.
    const stored = { methods: 'read-only' as const, pathPrefixes: ['/repos/acme'] };
    expect(leaseNarrowingHolds(baseline(readOnly), { connectionId: 'code', narrowing: stored })).toBe(true);
  });

  it('given the connection narrowed since, then it no longer holds', () => {
    expect(leaseNarrowingHolds(baseline(readOnly), { connectionId: 'code' })).toBe(false);
    expect(
      leaseNarrowingHolds(baseline(readOnly), { connectionId: 'code', narrowing: { methods: 'read-only' } }),
    ).toBe(false);
  });

  it('given the narrowing lifted since, then it no longer holds either (a new lease costs little)', () => {
    expect(leaseNarrowingHolds(baseline(), { connectionId: 'code', narrowing: readOnly })).toBe(false);
  });

  it("compares with the lease's own connection, not another one of the channel", () => {
    const others = [{ ...code, id: 'other', narrowing: readOnly }, code];
    expect(leaseNarrowingHolds(others, { connectionId: 'code' })).toBe(true);
  });

  it('given the connection gone, then a lease issued under no narrowing is left to the evaluation', () => {
    expect(leaseNarrowingHolds([], { connectionId: 'code' })).toBe(true);
    expect(leaseNarrowingHolds([], { connectionId: 'code', narrowing: readOnly })).toBe(false);
  });
});
