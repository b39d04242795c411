import Database from 'better-sqlite3';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteEventStore } from '@mandate/event-store';
import { createTempDir, startTsProcess, type TempDir } from '@mandate/testing';
import { notes, testEventRegistry } from '../../libs/event-store/test/test-events';

const CONSUMER = join(__dirname, 'fixtures', 'checkpointed-consumer.process.ts');
const message = (key: string) => (m: unknown) => typeof m === 'object' && m !== null && key in m;

describe('SQLite subscription consumer with a checkpoint stored alongside its state', () => {
  let dir: TempDir;
  beforeEach(() => (dir = createTempDir('mandate-resume-')));
  afterEach(() => dir.remove());

  it('given a consumer killed mid-stream repeatedly while events keep arriving, when it resumes each time, then it applied exactly the log, once each', async () => {
    const storePath = dir.file('events.sqlite');
    const projectionPath = dir.file('projection.sqlite');
    const store = new SqliteEventStore({ path: storePath, schemas: testEventRegistry() });
    for (let batch = 0; batch < 10; batch++) {
      await store.append(`resume-${batch}`, notes(200), { expectedRevision: 'no_stream' });
    }
    const stopAt = 3_000;
    const resumedFrom: number[] = [];
    let kills = 0;

    for (let run = 0; ; run++) {
      const consumer = startTsProcess(CONSUMER, [storePath, projectionPath, String(stopAt)]);
      const resumed = (await consumer.waitFor(message('resumedFrom'))) as { resumedFrom: number };
      resumedFrom.push(resumed.resumedFrom);
      if (run < 6) {
        // Live events arrive while the consumer catches up, then it dies at a random moment.
        await store.append(`resume-live-${run}`, notes(150), { expectedRevision: 'no_stream' });
        await sleep(50 + Math.random() * 150);
        if (consumer.child.kill('SIGKILL')) kills++;
        await consumer.closed;
        continue;
      }
      await store.append('resume-last', notes(stopAt - (await store.headPosition())), {
        expectedRevision: 'no_stream',
      });
      await consumer.waitFor(message('done'));
      await consumer.closed;
      break;
    }

    const projection = new Database(projectionPath, { readonly: true });
    const applied = projection.prepare('SELECT position, id FROM applied ORDER BY rowid').all() as Array<{
      position: number;
      id: string;
    }>;
    const checkpoint = projection.prepare('SELECT position FROM checkpoints').pluck().get();
    projection.close();
    const log = await store.readAll({ limit: stopAt });
    await store.close();

    expect(kills).toBe(6);
    expect(resumedFrom.filter((from) => from > 1 && from <= stopAt).length).toBeGreaterThanOrEqual(3);
    expect(applied).toEqual(log.map((event) => ({ position: event.globalPosition, id: event.id })));
    expect(checkpoint).toBe(stopAt);
  }, 120_000);
});
