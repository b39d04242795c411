import { computeEventHash, type RecordedEvent, SqliteEventStore } from '@mandate/event-store';
import { note, testEventRegistry } from '../../event-store/test/test-events';
import { GaplessReorderBuffer } from './gapless-reorder-buffer';
import { type ChainProblem, HashChainCheck } from './hash-chain-check';

/** A copy altered by someone who can write to the topics, the hash kept or recomputed. */
const altered = (event: RecordedEvent, change: Partial<RecordedEvent>, rehash: boolean): RecordedEvent => {
  const forged = { ...event, data: { text: 'forged' }, ...change };
  if (!rehash) return forged;
  const { hash: _hash, recordedAt: _recordedAt, ...envelope } = forged;
  return { ...forged, hash: computeEventHash(envelope) };
};

describe('HashChainCheck on what a replica receives', () => {
  let log: RecordedEvent[];
  let refused: Array<[number, ChainProblem]>;
  let chain: HashChainCheck;
  /** What a replica does: the hash on arrival, the link as each position's turn comes. */
  let buffer: GaplessReorderBuffer;
  const receive = (...events: RecordedEvent[]) =>
    events.flatMap((event) => (chain.intact(event) ? buffer.accept(event) : []));

  beforeAll(async () => {
    const store = new SqliteEventStore({ path: ':memory:', schemas: testEventRegistry() });
    for (let index = 1; index <= 4; index++) {
      await store.append(`workspace-w${index}`, [note(`n${index}`)], { expectedRevision: 'any' });
    }
    log = await store.readAll();
    await store.close();
  });

  beforeEach(() => {
    refused = [];
    chain = new HashChainCheck((event, problem) => refused.push([event.globalPosition, problem]));
    buffer = new GaplessReorderBuffer(0, (event) => chain.links(event));
  });

  it('given the store’s log, in any arrival order, then every event is applied and none refused', () => {
    expect(receive(log[2], log[0], log[3], log[1])).toEqual(log);
    expect(refused).toEqual([]);
  });

  it('given a copy altered with its hash kept, then it is refused on arrival and the genuine one applied', () => {
    expect(receive(log[0], altered(log[1], {}, false), log[1])).toEqual([log[0], log[1]]);
    expect(refused).toEqual([[2, 'modified']]);
  });

  it('given a copy moved to another position, workspace or actor with its hash kept, then it is refused', () => {
    for (const change of [
      { globalPosition: 3 },
      { workspaceId: 'globex' },
      { actor: { kind: 'user', id: 'x' } },
    ]) {
      const { hash } = log[1];
      expect(chain.intact({ ...log[1], ...change, hash } as RecordedEvent)).toBe(false);
    }
  });

  it('given a forgery with a recomputed hash that links to nothing, waiting before its turn, then the genuine copy still takes its place', () => {
    // when the forged copy of position 3 arrives before position 2, then the genuine 3 after it
    const forged = altered(log[2], { prevHash: 'ab'.repeat(32) }, true);
    const applied = receive(log[0], forged, log[2], log[1], log[3]);

    // then the store's log is applied, and the forgery was refused as unlinked
    expect(applied).toEqual(log);
    expect(refused).toEqual([[3, 'unlinked']]);
  });

  it('given a forgery that links to the head, then the genuine event after it no longer links: the replica stops there and says so', () => {
    // a forger who recomputes hashes can extend the head (documented limit) …
    const forged = altered(log[1], {}, true);
    expect(receive(log[0], forged, log[1])).toEqual([log[0], forged]);

    // … but the store's next event does not link to it: nothing past it is applied
    expect(receive(log[2], log[3])).toEqual([]);
    expect(refused).toEqual([[3, 'unlinked']]);
    expect(buffer.head).toBe(2);
  });
});
