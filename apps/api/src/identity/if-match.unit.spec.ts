import { DomainError } from '@mandate/domain';
import { etagOf, requiredRevision } from './if-match';

const refusalOf = (ifMatch: string | undefined): DomainError => {
  try {
    requiredRevision(ifMatch);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`accepted ${String(ifMatch)}`);
};

describe('If-Match', () => {
  it('reads the revision from the ETag forms clients send', () => {
    expect(['"7"', '7', 'W/"7"', ' "7" '].map(requiredRevision)).toEqual([7, 7, 7, 7]);
    expect(requiredRevision(etagOf(0))).toBe(0);
  });

  it('refuses a missing header, naming it', () => {
    for (const missing of [undefined, '', '  ']) {
      expect(refusalOf(missing)).toMatchObject({
        kind: 'validation',
        code: 'if-match-required',
        issues: [{ path: 'headers.if-match' }],
      });
    }
  });

  it('refuses anything that is not one revision ETag', () => {
    for (const invalid of ['*', '"7", "8"', '"abc"', '-1', '"1.5"']) {
      expect(refusalOf(invalid)).toMatchObject({ code: 'invalid-if-match' });
    }
  });
});
