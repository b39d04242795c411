import { DomainError, type Decider } from '@mandate/domain';
import { v7 as uuidv7 } from 'uuid';
import { note, testEventRegistry } from '../../test/test-events';
import { WrongExpectedVersion } from '../errors';
import type { NewEvent } from '../event-store.port';
import { SqliteEventStore } from '../sqlite/sqlite-event-store.adapter';
import { handleCommand } from './command-handler';

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
