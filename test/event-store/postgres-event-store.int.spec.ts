import { generateKeyPairSync } from 'node:crypto';
import { Client } from 'pg';
import {
  Checkpointer,
  openPostgresEventStore,
  PostgresCheckpointStore,
  type PostgresEventStore,
  type PostgresEventStoreOptions,
  SignedCheckpointStore,
  verifyEventLog,
} from '@mandate/event-store';
import { freshPostgresSchema, requireDatabaseUrl } from '@mandate/testing';
import { note, notes, testEventRegistry } from '../../libs/event-store/test/test-events';

const url = requireDatabaseUrl();

describe('PostgreSQL event store on a real server', () => {
  let schema: ReturnType<typeof freshPostgresSchema>;
  const opened: PostgresEventStore[] = [];
  /** Each store has its own connections: several of them are several nodes sharing one log. */
  const node = async (options: Partial<PostgresEventStoreOptions> = {}) => {
    const store = await openPostgresEventStore({
      connectionString: url,
      schemas: testEventRegistry(),
      schema: schema.schema,
      ...options,
    });
    opened.push(store);
    return store;
  };
  const sql = async (text: string) => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return await client.query(text);
    } finally {
      await client.end();
    }
  };

  beforeEach(() => (schema = freshPostgresSchema(url, 'pgstore')));
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    await schema.drop();
  });

  it('given 4 nodes appending while 3 other nodes read, then every reader only ever sees a gapless prefix of the log, and the chain verifies', async () => {
    // given
    const writers = await Promise.all(Array.from({ length: 4 }, () => node()));
    const readers = await Promise.all(Array.from({ length: 3 }, () => node()));
    const perWriter = 150;
    let writing = true;

    // when: each writer runs 8 appenders of single events (and some pairs) on streams of its own
    const appended = Promise.all(
      writers.flatMap((writer, w) =>
        Array.from({ length: 8 }, async (_, a) => {
          const positions: number[] = [];
          for (let i = 0; i < perWriter / 8; i++) {
            const events = i % 5 === 0 ? notes(2, `w${w}a${a}`) : [note(`w${w}a${a}-${i}`)];
            positions.push(
              ...(await writer.append(`node-${w}-${a}`, events, { expectedRevision: 'any' })).positions,
            );
          }
          return positions;
        }),
      ),
    ).finally(() => (writing = false));
    const read = readers.map(async (reader) => {
      const seen: string[] = [];
      let next = 1;
      while (writing) {
        const page = await reader.readAll({ fromPosition: next, limit: 50 });
        for (const event of page) {
          if (event.globalPosition !== next) seen.push(`expected ${next}, saw ${event.globalPosition}`);
          next = event.globalPosition + 1;
        }
      }
      return { out: seen, next };
    });
    const acknowledged = (await appended).flat();
    const outcomes = await Promise.all(read);

    // then
    expect(outcomes.flatMap((outcome) => outcome.out)).toEqual([]);
    expect(outcomes.every((outcome) => outcome.next > 1)).toBe(true);
    const head = await readers[0].headPosition();
    expect(acknowledged.sort((a, b) => a - b)).toEqual(Array.from({ length: head }, (_, index) => index + 1));
    expect(await verifyEventLog(readers[1])).toMatchObject({
      ok: true,
      checked: head,
      verifiedThrough: head,
    });
  }, 60_000);

  it('given one append retried at once on the same node and on another node, when all race, then it is written once and every retry gets the original positions', async () => {
    // given
    const [first, second] = [await node(), await node()];
    const batch = notes(3);

    // when: two retries join the same transaction on one node, a third comes from another node
    const results = await Promise.all([
      first.append('retried', batch, { expectedRevision: 'no_stream' }),
      first.append('retried', batch, { expectedRevision: 'no_stream' }),
      second.append('retried', batch, { expectedRevision: 'no_stream' }),
    ]);

    // then
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    expect((await second.readStream('retried')).map((event) => event.id)).toEqual(
      batch.map((event) => event.id),
    );
    expect(await second.headPosition()).toBe(3);
  });

  it('given stream ids and data full of quotes, backslashes and SQL, when appended and read back, then they come back byte for byte and the chain verifies', async () => {
    // given
    const store = await node();
    const streamId = `it's a \\ "stream"'); DROP TABLE events; --`;
    const text = `O'Brien \\'; DELETE FROM log_head; -- \u00e9\u{1F600} $$ E'\\x00'`;

    // when
    await store.append(streamId, [note(text)], { expectedRevision: 'no_stream' });
    await store.append(streamId, [note(text)], { expectedRevision: 0 });

    // then
    const read = await store.readStream(streamId);
    expect(read.map((event) => [event.streamId, event.data])).toEqual([
      [streamId, { text }],
      [streamId, { text }],
    ]);
    expect(await verifyEventLog(store)).toMatchObject({ ok: true, checked: 2 });
  });

  it('given a caught-up subscriber whose poll is a minute away, when another node appends, then it receives the event within a second (woken by NOTIFY)', async () => {
    // given
    const subscriber = await node({ pollIntervalMs: 60_000 });
    const writer = await node();
    await writer.append('warm-up', notes(1), { expectedRevision: 'no_stream' });
    const controller = new AbortController();
    const iterator = subscriber
      .subscribe({ fromPosition: 2, signal: controller.signal })
      [Symbol.asyncIterator]();
    const next = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 200));

    // when
    const sent = performance.now();
    const { positions } = await writer.append('live', notes(1), { expectedRevision: 'no_stream' });
    const received = await next;
    const latencyMs = performance.now() - sent;

    // then
    expect(received.value).toMatchObject({ globalPosition: positions[0], streamId: 'live' });
    expect(latencyMs).toBeLessThan(1_000);
    controller.abort();
    await iterator.return?.(undefined);
  });

  it('given a stored log, when a row is changed behind the store, then the append-only trigger refuses it, and a row changed with the trigger off is named by the verifier', async () => {
    // given
    const store = await node();
    await store.append('audited', notes(5), { expectedRevision: 'no_stream' });
    const events = `"${schema.schema}".events`;

    // when / then
    await expect(
      sql(`UPDATE ${events} SET data = '{"text":"forged"}' WHERE global_position = 3`),
    ).rejects.toThrow(/append-only/);
    await expect(sql(`DELETE FROM ${events} WHERE global_position = 5`)).rejects.toThrow(/append-only/);
    await sql(
      `ALTER TABLE ${events} DISABLE TRIGGER events_no_update_or_delete;
       UPDATE ${events} SET data = '{"text":"forged"}' WHERE global_position = 3;`,
    );
    expect(await verifyEventLog(store)).toMatchObject({
      ok: false,
      firstBad: { position: 3, problem: 'modified' },
    });
  });

  it('given a signed checkpoint over the head, when the newest events are deleted behind the store, then the verifier reports the truncation', async () => {
    // given
    const store = await node();
    await store.append('signed', notes(6), { expectedRevision: 'no_stream' });
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const checkpoints = SignedCheckpointStore.open(':memory:');
    const checkpoint = await new Checkpointer({
      checkpoints,
      key: { privateKey, publicKey, keyId: 'test', path: '' },
      every: 100,
    }).checkpointHead(store);
    expect(checkpoint).toMatchObject({ position: 6 });
    expect(await verifyEventLog(store, { checkpoints: checkpoints.list(), publicKey })).toMatchObject({
      ok: true,
      checkpointsChecked: 1,
    });

    // when
    const events = `"${schema.schema}".events`;
    await sql(
      `ALTER TABLE ${events} DISABLE TRIGGER events_no_update_or_delete;
       DELETE FROM ${events} WHERE global_position > 4;`,
    );

    // then
    expect(await verifyEventLog(store, { checkpoints: checkpoints.list(), publicKey })).toMatchObject({
      ok: false,
      firstBad: { problem: 'truncated' },
    });
  });

  it('given the checkpoint store, when consumers save and a transactional write fails, then each resumes from its own last saved position', async () => {
    // given
    const store = await node();
    const checkpoints = new PostgresCheckpointStore(store.pool, store.tables);
    expect(await checkpoints.load('relay')).toBe(0);

    // when
    await checkpoints.save('relay', 41);
    await checkpoints.save('relay', 42);
    await checkpoints.save('inbox', 7);
    const failed = checkpoints.applyWithCheckpoint('relay', 50, async (client) => {
      await client.query('SELECT 1');
      throw new Error('projection write failed');
    });

    // then
    await expect(failed).rejects.toThrow('projection write failed');
    expect(await checkpoints.load('relay')).toBe(42);
    expect(await checkpoints.load('inbox')).toBe(7);
    expect(await new PostgresCheckpointStore((await node()).pool, store.tables).load('relay')).toBe(42);
  });
  it('given appends that carry trace contexts, then another node reads them by position beside the log, drops a malformed one, and the chain still verifies', async () => {
    const writer = await node();
    const reader = await node();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

    await writer.append('note-traced', [{ ...note('a'), traceparent }, note('b')], {
      expectedRevision: 'no_stream',
    });
    await writer.append('note-forged', [{ ...note('c'), traceparent: "00-x'); DROP TABLE events; --" }], {
      expectedRevision: 'no_stream',
    });

    expect(await reader.traceparentsBetween(1, 3)).toEqual(new Map([[1, traceparent]]));
    expect((await reader.readAll()).map((event) => event.traceparent)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(await verifyEventLog(reader)).toMatchObject({ ok: true, checked: 3 });
  });
});
