import { join } from 'node:path';
import { SqliteEventStore, WrongExpectedVersion, type RecordedEvent } from '@mandate/event-store';
import { createTempDir, startTsProcess, type TempDir } from '@mandate/testing';
import { note, testEventRegistry } from '../../libs/event-store/test/test-events';

const RACER = join(__dirname, 'fixtures', 'racing-appender.process.ts');

interface Ack {
  id: string;
  revision: number;
  position: number;
}

interface RacerReport {
  ack?: string;
  revision?: number;
  position?: number;
  done?: true;
  conflicts?: number;
  failures?: string[];
}

/** Every acknowledged append is in the stream exactly once, where it was acknowledged; the stream is gapless. */
function expectExactlyTheAcknowledged(events: RecordedEvent[], acks: Ack[]): void {
  expect(events.map((event) => event.streamVersion)).toEqual(events.map((_, index) => index));
  expect(events).toHaveLength(acks.length);
  const byId = new Map(events.map((event) => [event.id, event]));
  const misplaced = acks.filter(
    (ack) =>
      byId.get(ack.id)?.streamVersion !== ack.revision || byId.get(ack.id)?.globalPosition !== ack.position,
  );
  expect(misplaced).toEqual([]);
}

describe('SQLite event store: concurrent appenders with expected revisions', () => {
  let dir: TempDir;
  beforeEach(() => (dir = createTempDir('mandate-race-')));
  afterEach(() => dir.remove());

  it('given 64 appenders in one process racing on one stream, then each append lands exactly once or is refused with WrongExpectedVersion', async () => {
    const store = new SqliteEventStore({ path: dir.file('events.sqlite'), schemas: testEventRegistry() });
    const streamId = 'race-in-process';
    const acks: Ack[] = [];
    const refusals: unknown[] = [];
    const attempts = 20;

    await Promise.all(
      Array.from({ length: 64 }, async (_, appender) => {
        for (let attempt = 0; attempt < attempts; attempt++) {
          const [last] = await store.readStream(streamId, { direction: 'backwards', limit: 1 });
          const event = note(`a${appender}-${attempt}`);
          await store
            .append(streamId, [event], { expectedRevision: last ? last.streamVersion : 'no_stream' })
            .then(
              ({ nextExpectedRevision, positions }) =>
                acks.push({ id: event.id, revision: nextExpectedRevision, position: positions[0] }),
              (error: unknown) => refusals.push(error),
            );
        }
      }),
    );

    expect(refusals.filter((error) => !(error instanceof WrongExpectedVersion))).toEqual([]);
    expect(acks.length + refusals.length).toBe(64 * attempts);
    expect(refusals.length).toBeGreaterThan(0);
    expectExactlyTheAcknowledged(await store.readStream(streamId), acks);
    await store.close();
  });

  it('given 4 processes × 16 appenders racing on one stream of one file, then every append lands exactly once or is refused, and a concurrent reader never sees a gap in global positions', async () => {
    const path = dir.file('events.sqlite');
    const streamId = 'race-across-processes';
    const reader = new SqliteEventStore({ path, schemas: testEventRegistry() });
    const racers = Array.from({ length: 4 }, () => startTsProcess(RACER, [path, streamId, '16', '15']));
    const finished = Promise.all(racers.map((racer) => racer.closed));

    // A reader polling the log while the processes write must only ever see a gapless prefix.
    let next = 1;
    const gaps: string[] = [];
    let running = true;
    void finished.then(() => (running = false));
    while (running) {
      for (const event of await reader.readAll({ fromPosition: next })) {
        if (event.globalPosition !== next) gaps.push(`expected ${next}, saw ${event.globalPosition}`);
        next = event.globalPosition + 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }

    const messages = racers.flatMap((racer) => racer.messages) as RacerReport[];
    const acks = messages.flatMap((m) =>
      m.ack ? [{ id: m.ack, revision: m.revision!, position: m.position! }] : [],
    );
    const done = messages.flatMap((m) =>
      m.done ? [{ conflicts: m.conflicts!, failures: m.failures! }] : [],
    );
    expect(done).toHaveLength(4);
    expect(done.flatMap((report) => report.failures)).toEqual([]);
    expect(acks.length + done.reduce((sum, report) => sum + report.conflicts, 0)).toBe(4 * 16 * 15);
    expect(gaps).toEqual([]);
    expect(next - 1).toBe(acks.length);
    expectExactlyTheAcknowledged(await reader.readStream(streamId), acks);
    await reader.close();
  }, 120_000);
});
