import { instantOf, localOf } from '../../apps/console/src/common/local-instant';

describe('a datetime-local value and an instant', () => {
  const instant = '2026-12-01T19:07:48.900Z';

  it('given an instant, when it is shown and read back, then it is the same instant', () => {
    expect(localOf(instant)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
    expect(instantOf(localOf(instant))).toBe(instant);
  });

  it("given the browser's shortest form (trailing zeros and zero seconds dropped), when it is read, then it is the same instant", () => {
    // given the forms a browser normalises the field's value to
    const full = localOf(instant); // …T19:07:48.900 in the machine's zone
    const tenths = full.slice(0, 21); // …:48.9
    const minute = localOf('2026-12-01T19:07:00.000Z').slice(0, 16); // …T19:07

    // then each is the instant it stands for
    expect(instantOf(tenths)).toBe(instant);
    expect(instantOf(minute)).toBe('2026-12-01T19:07:00.000Z');
  });

  it.each([
    '',
    'yesterday',
    '2026-12-01',
    '2026-12-01T19',
    '2026-12-01T19:07:48.9001',
    '2026-02-30T10:00',
    '2026-12-01T24:00',
    '2026-12-01T19:60',
    '2026-12-01T19:07:48Z',
  ])('given %j, when it is read, then it is no instant', (local) => {
    expect(instantOf(local)).toBeUndefined();
  });
});
