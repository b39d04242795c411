import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { openPostgresEventStore, type PostgresEventStore } from '@mandate/event-store';
import { freePort } from '@mandate/infra';
import { relayTopics } from '@mandate/kafka';
import { createTempDir, startTsProcess, type TempDir, type TsProcess } from '@mandate/testing';
import { testEventRegistry } from '../../libs/event-store/test/test-events';
import { appendSpread, Collector, testKafka, uniquePrefix } from './kafka-test-kit';

const RELAY = join(__dirname, '..', '..', 'apps', 'relay', 'src', 'main.ts');

interface RelayStatus {
  status: string;
  role: 'leader' | 'standby';
  checkpoint?: number;
  head?: number;
  lag?: number;
}

/** A relay process (`npm run start:relay`'s entry point) and the address of its probes. */
interface RunningRelay {
  process: TsProcess;
  health: string;
}

describe('the standalone relay on PostgreSQL, two processes', () => {
  const serverUrl = process.env.DATABASE_URL ?? '';
  const database = `relay_${randomBytes(6).toString('hex')}`;
  const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${database}` }).toString();
  const prefix = uniquePrefix();
  const kafka = testKafka();
  let dir: TempDir;
  let store: PostgresEventStore;
  let collector: Collector;
  const relays: RunningRelay[] = [];

  const admin = async (sql: string) => {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };

  const startRelay = async (name: string): Promise<RunningRelay> => {
    const port = await freePort();
    const child = startTsProcess(RELAY, [], {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATA_DIR: dir.file(name),
      EVENT_STORE: 'postgres',
      DATABASE_URL: databaseUrl,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '3',
      RELAY_HEALTH_PORT: String(port),
    });
    const started = (await child.waitFor((line) => (line as { msg?: string }).msg === 'relay started')) as {
      health: string;
    };
    const relay = { process: child, health: started.health };
    relays.push(relay);
    return relay;
  };

  const readyz = async (relay: RunningRelay) => {
    const response = await fetch(`${relay.health}/readyz`);
    return { status: response.status, body: (await response.json()) as RelayStatus };
  };

  const until = async (relay: RunningRelay, done: (status: RelayStatus) => boolean, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await readyz(relay);
      if (done(body)) return body;
      if (Date.now() > deadline) throw new Error(`relay never got there: ${JSON.stringify(body)}`);
      await sleep(100);
    }
  };

  beforeAll(async () => {
    dir = createTempDir('mandate-relay-health-');
    await admin(`CREATE DATABASE ${database}`);
    store = await openPostgresEventStore({ connectionString: databaseUrl, schemas: testEventRegistry() });
    collector = new Collector(kafka, prefix);
    await collector.start();
  }, 60_000);

  afterAll(async () => {
    for (const relay of relays) relay.process.child.kill('SIGKILL');
    await Promise.all(relays.map((relay) => relay.process.closed));
    await collector?.stop();
    await store?.close();
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    const kafkaAdmin = kafka.admin();
    await kafkaAdmin.connect();
    await kafkaAdmin.deleteTopics({ topics: relayTopics(prefix) }).catch(() => undefined);
    await kafkaAdmin.disconnect();
    dir?.remove();
  }, 60_000);

  it('given two relays on one log, when probed, then one leads and one stands by, both report the shared checkpoint, the lag drains, and the standby leads once the leader is killed', async () => {
    // given two relay processes on one PostgreSQL log, and events to relay
    const [first, second] = [await startRelay('relay-1'), await startRelay('relay-2')];
    const ids = await appendSpread(store, 200, { tag: 'a', streams: 8 });

    // when the leader has relayed them
    const leaderOf = async () => ((await readyz(first)).body.role === 'leader' ? first : second);
    await until(first, (status) => status.role === 'leader' || status.role === 'standby');
    const leader = await until(await leaderOf(), (status) => status.lag === 0 && status.head === 200);
    await collector.waitFor(ids.length, 60_000);

    // then the leader is ready and caught up; the other stands by, ready, reading the same checkpoint
    const other = (await leaderOf()) === first ? second : first;
    expect(leader).toEqual({ status: 'ready', role: 'leader', checkpoint: 200, head: 200, lag: 0 });
    expect(await readyz(other)).toEqual({
      status: 200,
      body: { status: 'ready', role: 'standby', checkpoint: 200, head: 200, lag: 0 },
    });
    expect((await fetch(`${other.health}/healthz`)).status).toBe(200);

    // when the leader dies and more events arrive
    const dying = (await leaderOf()) === first ? first : second;
    dying.process.child.kill('SIGKILL');
    await dying.process.closed;
    const more = await appendSpread(store, 100, { tag: 'b', streams: 8 });

    // then the survivor reports itself leader and relays them (lag back to 0 at the new head)
    const survivor = dying === first ? second : first;
    expect(
      await until(survivor, (status) => status.role === 'leader' && status.lag === 0 && status.head === 300),
    ).toEqual({ status: 'ready', role: 'leader', checkpoint: 300, head: 300, lag: 0 });
    await collector.waitFor(ids.length + more.length, 60_000);
  }, 150_000);
});
