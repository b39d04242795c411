import fc from 'fast-check';
import { DedupeWindow } from './dedupe-window';

describe('DedupeWindow', () => {
  it('given an id admitted once, when it comes again within the window, then it is a duplicate', () => {
    const window = new DedupeWindow(3);
    expect(window.admit('a')).toBe(true);
    expect(window.admit('b')).toBe(true);
    expect(window.admit('a')).toBe(false);
  });

  it('given more distinct ids than the capacity, then the oldest is forgotten and memory stays bounded', () => {
    const window = new DedupeWindow(2);
    ['a', 'b', 'c'].forEach((id) => window.admit(id));

    expect(window.size).toBe(2);
    expect(window.has('a')).toBe(false);
    expect(window.admit('a')).toBe(true);
    expect(window.has('b')).toBe(false);
  });

  it('given any sequence, then a repeat is caught exactly when fewer than capacity distinct ids came between', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }).map(String), { maxLength: 200 }),
        fc.integer({ min: 1, max: 10 }),
        (ids, capacity) => {
          const window = new DedupeWindow(capacity);
          const model: string[] = [];
          for (const id of ids) {
            const expectedNew = !model.includes(id);
            expect(window.admit(id)).toBe(expectedNew);
            if (expectedNew) {
              model.push(id);
              if (model.length > capacity) model.shift();
            }
          }
        },
      ),
    );
  });
});
