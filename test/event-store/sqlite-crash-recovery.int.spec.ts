import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteEventStore, verifyChain } from '@mandate/event-store';
import { createTempDir, startTsProcess, type TempDir } from '@mandate/testing';
import { testEventRegistry } from '../../libs/event-store/test/test-events';

const APPENDER = join(__dirname, 'fixtures', 'crash-appender.process.ts');
const KILLS = 20;

interface Ack {
  ack: string[];
  positions: number[];
}
const isAck = (message: unknown): message is Ack =>
  typeof message === 'object' && message !== null && 'ack' in message;

describe('SQLite event store killed with SIGKILL while appending', () => {
  let dir: TempDir;
  beforeEach(() => (dir = createTempDir('mandate-crash-')));
  afterEach(() => dir.remove());

  it(`given an appender killed at random moments ${KILLS} times, when the log is reopened after each kill, then the chain verifies, every acknowledged event is where it was acknowledged and no batch is partial`, async () => {
    const path = dir.file('events.sqlite');
    const acknowledged = new Map<string, number>();

    for (let kill = 0; kill < KILLS; kill++) {
      // given an appender that has acknowledged at least one append
      const appender = startTsProcess(APPENDER, [path]);
      await appender.waitFor(isAck);
      await sleep(Math.random() * 120);

      // when it is killed
      appender.child.kill('SIGKILL');
      expect((await appender.closed).signal).toBe('SIGKILL');
      for (const message of appender.messages.filter(isAck)) {
        message.ack.forEach((id, index) => acknowledged.set(id, message.positions[index]));
      }

      // then the reopened log is intact and complete
      const store = new SqliteEventStore({ path, schemas: testEventRegistry() });
      try {
        const verification = verifyChain(store.readStored());
        expect(verification).toMatchObject({ ok: true });
        const events = await store.readAll();
        expect(verification.checked).toBe(events.length);
        expect(events.map((event) => event.globalPosition)).toEqual(events.map((_, index) => index + 1));

        const positionById = new Map(events.map((event) => [event.id, event.globalPosition]));
        const missing = [...acknowledged].filter(([id, position]) => positionById.get(id) !== position);
        expect(missing).toEqual([]);

        const batches = new Map<string, { size: number; present: number }>();
        for (const { data } of events) {
          const { batch, size } = data as { batch: string; size: number };
          const seen = batches.get(batch) ?? { size, present: 0 };
          seen.present += 1;
          batches.set(batch, seen);
        }
        const partial = [...batches].filter(([, { size, present }]) => size !== present);
        expect(partial).toEqual([]);
      } finally {
        await store.close();
      }
    }
    expect(acknowledged.size).toBeGreaterThan(KILLS);
  }, 240_000);
});
