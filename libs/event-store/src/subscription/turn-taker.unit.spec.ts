import { turnTaker } from './turn-taker';

describe('turnTaker', () => {
  it('given less than the interval since the last turn, when asked, then it takes none', () => {
    let now = 1_000;
    const takeTurn = turnTaker(20, () => now);

    now += 19;

    expect(takeTurn()).toBeUndefined();
  });

  it('given the interval has passed, when asked, then it yields to the event loop once and restarts the interval', async () => {
    let now = 1_000;
    const takeTurn = turnTaker(20, () => now);
    const order: string[] = [];
    setImmediate(() => order.push('I/O turn'));

    now += 20;
    const turn = takeTurn();
    await turn;
    order.push('after turn');

    expect(typeof turn?.then).toBe('function');
    expect(order).toEqual(['I/O turn', 'after turn']);
    expect(takeTurn()).toBeUndefined();
  });
});
