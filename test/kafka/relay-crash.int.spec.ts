import Database from 'better-sqlite3';
import { join } from 'node:path';
import { SqliteCheckpointStore, SqliteEventStore } from '@mandate/event-store';
import { RELAY_CONSUMER, relayTopics } from '@mandate/kafka';
import { createTempDir, startTsProcess, type TempDir, type TsProcess } from '@mandate/testing';
import { testEventRegistry } from '../../libs/event-store/test/test-events';
import {
  appendSpread,
  Collector,
  duplicatesOf,
  outOfOrderStreams,
  testKafka,
  uniquePrefix,
} from './kafka-test-kit';

const RELAY = join(__dirname, 'fixtures', 'relay.process.ts');
const KILLS = 5;

describe('Kafka relay killed mid-publish', () => {
  let dir: TempDir;
  let store: SqliteEventStore;
  let collector: Collector;
  let relay: TsProcess | undefined;
  const prefix = uniquePrefix();
  const kafka = testKafka();

  beforeAll(async () => {
    dir = createTempDir('mandate-relay-crash-');
    store = new SqliteEventStore({ path: dir.file('events.sqlite'), schemas: testEventRegistry() });
    collector = new Collector(kafka, prefix);
    await collector.start();
  }, 60_000);

  afterAll(async () => {
    relay?.child.kill('SIGKILL');
    await collector?.stop();
    await store?.close();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: relayTopics(prefix) }).catch(() => undefined);
    await admin.disconnect();
    dir?.remove();
  }, 60_000);

  const storedCheckpoint = () => {
    const db = new Database(dir.file('events.sqlite'), { readonly: true });
    try {
      return new SqliteCheckpointStore(db).loadSync(RELAY_CONSUMER);
    } catch {
      return 0; // no checkpoints table yet
    } finally {
      db.close();
    }
  };

  it('given a relay killed with SIGKILL while publishing, when restarted, then it resumes from its checkpoint, re-sends what was unacknowledged, and the consumer applies every event once, in stream order', async () => {
    // given events appended in waves while a relay process is killed mid-publish and restarted
    const ids: string[] = [];
    const resumedFrom: number[] = [];
    const checkpointsAtKill: number[] = [];
    for (let round = 0; round <= KILLS; round++) {
      relay = startTsProcess(RELAY, [dir.file('events.sqlite'), process.env.KAFKA_BROKERS ?? '', prefix]);
      const resumed = (await relay.waitFor((m) => 'resumedFrom' in (m as object))) as { resumedFrom: number };
      resumedFrom.push(resumed.resumedFrom);
      ids.push(...(await appendSpread(store, 800, { tag: `r${round}`, streams: 12 })));
      if (round === KILLS) break;
      // kill it a random number of batches into this wave, after the broker acknowledged a batch
      // and before the relay stored its checkpoint
      const batches = 1 + Math.floor(Math.random() * 4);
      await relay.waitFor(() => relay!.messages.filter((m) => 'acked' in (m as object)).length >= batches);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10));
      relay.child.kill('SIGKILL');
      await relay.closed;
      checkpointsAtKill.push(storedCheckpoint());
    }

    // when the last relay has caught up
    await collector.waitFor(ids.length, 90_000);
    await new Promise((resolve) => setTimeout(resolve, 500));

    // then each restart resumed right after the checkpoint the killed relay left
    expect(resumedFrom.slice(1)).toEqual(checkpointsAtKill.map((position) => position + 1));
    // and the consumer applied every appended event exactly once, in per-stream order
    const applied = collector.applied.map((delivery) => delivery.event);
    expect(duplicatesOf(applied.map((event) => event.id))).toEqual([]);
    expect(applied).toHaveLength(ids.length);
    expect(new Set(applied.map((event) => event.id))).toEqual(new Set(ids));
    expect(outOfOrderStreams(applied)).toEqual({});
    // the kills did leave acknowledged events behind a checkpoint: their second copies were dropped
    expect(collector.consumer.duplicates).toBeGreaterThan(0);
  }, 180_000);
});
