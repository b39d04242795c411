import { DomainError, type Decider } from '@mandate/domain';
import { v7 as uuidv7 } from 'uuid';
import { note, testEventRegistry } from '../../test/test-events';
import { WrongExpectedVersion } from '../errors';
import type { NewEvent } from '../event-store.port';
import { SqliteEventStore } from '../sqlite/sqlite-event-store.adapter';
import { handleCommand } from './command-handler';
import { StreamStateCache } from './stream-state-cache';

type NoteEvent = { type: 'NoteWritten'; data: { text: string } };
type Command = { write: string[] } | { writeOnce: string };
type State = { texts: string[] };

/** A tiny decider: writes notes; `writeOnce` is a no-op when the text already exists. */
const notes: Decider<Command, NoteEvent, State> = {
  initialState: () => ({ texts: [] }),
  evolve: (state, event) => ({ texts: [...state.texts, event.data.text] }),
  decide: (command, state) => {
    if ('write' in command) return command.write.map((text) => ({ type: 'NoteWritten', data: { text } }));
    if (state.texts.includes(command.writeOnce)) return [];
    return [{ type: 'NoteWritten', data: { text: command.writeOnce } }];
  },
};

const toEnvelope = (events: NoteEvent[]): NewEvent[] =>
  events.map((event) => ({ ...note(''), ...event, id: uuidv7() }));

describe('handleCommand', () => {
  let store: SqliteEventStore;
  beforeEach(() => (store = new SqliteEventStore({ path: ':memory:', schemas: testEventRegistry() })));
  afterEach(() => store.close());

  it('given a new stream, when a command decides events, then they are appended and returned with their positions', async () => {
    const result = await handleCommand(store, notes, 'notes-1', { write: ['a', 'b'] }, { toEnvelope });

    expect(result).toMatchObject({ positions: [1, 2], nextExpectedRevision: 1, position: 2 });
    expect(result.events.map((event) => event.data)).toEqual([{ text: 'a' }, { text: 'b' }]);
  });

  it('given history, when deciding, then state is folded from the stream first', async () => {
    await handleCommand(store, notes, 'notes-1', { write: ['a'] }, { toEnvelope });
    await store.append('other', [note('x')], { expectedRevision: 'no_stream' });

    const result = await handleCommand(store, notes, 'notes-1', { writeOnce: 'a' }, { toEnvelope });

    expect(result).toEqual({ events: [], positions: [], nextExpectedRevision: 0, position: 2 });
  });

  it('given a concurrent write between read and append, when retries are allowed, then the command is decided again and lands', async () => {
    await handleCommand(store, notes, 'notes-1', { write: ['a'] }, { toEnvelope });
    const sneakIn = interleaveOnce(store, () =>
      store.append('notes-1', [note('sneaky')], { expectedRevision: 0 }),
    );

    const result = await handleCommand(
      store,
      notes,
      'notes-1',
      { write: ['b'] },
      { toEnvelope, retryOnConflict: 2 },
    );

    expect(sneakIn.ran).toBe(true);
    expect(result.nextExpectedRevision).toBe(2);
    expect((await store.readStream('notes-1')).map((event) => (event.data as { text: string }).text)).toEqual(
      ['a', 'sneaky', 'b'],
    );
  });

  it('given a concurrent write and no retries, when appending, then WrongExpectedVersion surfaces', async () => {
    await handleCommand(store, notes, 'notes-1', { write: ['a'] }, { toEnvelope });
    interleaveOnce(store, () => store.append('notes-1', [note('sneaky')], { expectedRevision: 0 }));

    await expect(
      handleCommand(store, notes, 'notes-1', { write: ['b'] }, { toEnvelope }),
    ).rejects.toBeInstanceOf(WrongExpectedVersion);
  });

  it('given events the schema refuses, when handling, then the typed error surfaces and nothing is written', async () => {
    const invalid = (events: NoteEvent[]) =>
      toEnvelope(events).map((event) => ({ ...event, data: { text: 42 } }));

    await expect(
      handleCommand(store, notes, 'notes-1', { write: ['a'] }, { toEnvelope: invalid }),
    ).rejects.toBeInstanceOf(DomainError);
    expect(await store.headPosition()).toBe(0);
  });
});

describe('handleCommand with folded states kept between commands', () => {
  let store: SqliteEventStore;
  let reads: Array<number | undefined>;
  beforeEach(() => {
    store = new SqliteEventStore({ path: ':memory:', schemas: testEventRegistry() });
    reads = [];
    const original = store.readStream.bind(store);
    store.readStream = (streamId, options) => {
      if (streamId === 'notes-1') reads.push(options?.from);
      return original(streamId, options);
    };
  });
  afterEach(() => store.close());

  it('given a state folded by an earlier command, when the next command runs, then only the events after it are read', async () => {
    // given
    const states = new StreamStateCache<State>();
    await handleCommand(store, notes, 'notes-1', { write: ['a', 'b'] }, { toEnvelope, states });
    await handleCommand(store, notes, 'notes-1', { write: ['c'] }, { toEnvelope, states });
    reads = [];
    // when
    const result = await handleCommand(store, notes, 'notes-1', { writeOnce: 'a' }, { toEnvelope, states });
    // then: what the commands wrote was folded as they wrote it: the read starts after c (revision 2)
    expect(reads).toEqual([3]);
    expect(result).toMatchObject({ events: [], nextExpectedRevision: 2 });
    expect(states.get('notes-1')).toEqual({ state: { texts: ['a', 'b', 'c'] }, revision: 2 });
  });

  it('given another process appended after the cached state, when a command runs, then it decides on that write too', async () => {
    // given: the cache knows a; someone else (another node) writes b without going through it
    const states = new StreamStateCache<State>();
    await handleCommand(store, notes, 'notes-1', { write: ['a'] }, { toEnvelope, states });
    await store.append('notes-1', [note('b')], { expectedRevision: 0 });
    // when
    const result = await handleCommand(store, notes, 'notes-1', { writeOnce: 'b' }, { toEnvelope, states });
    // then
    expect(result.events).toEqual([]);
    expect(states.get('notes-1')?.state.texts).toEqual(['a', 'b']);
  });

  it('given a concurrent write between read and append, when retried with the cache, then nothing is folded twice', async () => {
    // given
    const states = new StreamStateCache<State>();
    await handleCommand(store, notes, 'notes-1', { write: ['a'] }, { toEnvelope, states });
    interleaveOnce(store, () => store.append('notes-1', [note('sneaky')], { expectedRevision: 0 }));
    // when
    await handleCommand(
      store,
      notes,
      'notes-1',
      { write: ['b'] },
      { toEnvelope, retryOnConflict: 2, states },
    );
    const after = await handleCommand(store, notes, 'notes-1', { writeOnce: 'x' }, { toEnvelope, states });
    // then: the state folded through the cache equals the stream read from the start
    const folded = (await store.readStream('notes-1')).map((event) => (event.data as { text: string }).text);
    expect(folded).toEqual(['a', 'sneaky', 'b', 'x']);
    expect(states.get('notes-1')).toEqual({ state: { texts: folded }, revision: 3 });
    expect(after.nextExpectedRevision).toBe(3);
  });

  it('given more streams than its capacity, when used, then the least recently used is dropped and a newer state is never replaced by an older one', () => {
    // given
    const states = new StreamStateCache<State>(2);
    states.set('s1', { state: { texts: ['1'] }, revision: 0 });
    states.set('s2', { state: { texts: ['2'] }, revision: 0 });
    states.get('s1');
    // when
    states.set('s3', { state: { texts: ['3'] }, revision: 0 });
    states.set('s1', { state: { texts: [] }, revision: -1 });
    // then
    expect([states.get('s2'), states.size]).toEqual([undefined, 2]);
    expect(states.get('s1')).toEqual({ state: { texts: ['1'] }, revision: 0 });
  });
});

/** Runs `write` right after the next stream read, i.e. between a command's read and its append. */
function interleaveOnce(store: SqliteEventStore, write: () => Promise<unknown>): { ran: boolean } {
  const marker = { ran: false };
  const original = store.readStream.bind(store);
  store.readStream = async (...args) => {
    const events = await original(...args);
    if (!marker.ran) {
      marker.ran = true;
      store.readStream = original;
      await write();
    }
    return events;
  };
  return marker;
}
