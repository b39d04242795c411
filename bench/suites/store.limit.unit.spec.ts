import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { defineEventSchema } from '@mandate/domain';
import {
  EventSchemaRegistry,
  type NewEvent,
  SqliteEventStore,
  SqliteStoredEvents,
  verifyChain,
} from '@mandate/event-store';
import { createTempDir, type TempDir } from '@mandate/testing';
import { rawAppend, rawJsonLines, rawReadAll, rawVerify } from './store.limit';

const schemas = new EventSchemaRegistry([
  defineEventSchema({ type: 'BenchCounted', version: 1, schema: z.object({ n: z.number().int() }) }),
]);
const event = (n: number, workspaceId = 'ws-bench'): NewEvent => ({
  id: uuidv7(),
  type: 'BenchCounted',
  data: { n },
  occurredAt: new Date().toISOString(),
  workspaceId,
  actor: { kind: 'service', id: 'bench' },
  metadata: { correlationId: 'bench', causationId: null },
});

describe('the store limit baselines', () => {
  let dir: TempDir;
  beforeEach(() => (dir = createTempDir('mandate-store-limit-')));
  afterEach(() => dir.remove());

  it('verify the chain Mandate wrote, hashing the same bytes', async () => {
    // given a log written by the store
    const store = new SqliteEventStore({ path: dir.file('events.sqlite'), schemas });
    await store.append('s-1', [event(1), event(2, 'ws-other')], { expectedRevision: 'no_stream' });
    await store.append('s-2', [event(3)], { expectedRevision: 'no_stream' });
    await store.close();

    // when the baselines read and verify it
    // then every stored hash is reproduced and every row read
    expect(rawVerify(dir.file('events.sqlite'))).toBe(3);
    expect(rawReadAll(dir.file('events.sqlite'))).toBe(3);
    expect([...rawJsonLines(dir.file('events.sqlite'), 'ws-bench')].join('').trim().split('\n')).toHaveLength(
      2,
    );
  });

  it('append rows whose chain the store’s own verifier accepts', () => {
    // given batches of events
    const batches = [
      [event(1), event(2)],
      [event(3), event(4)],
    ];

    // when the raw baseline appends them
    const written = rawAppend(dir.file('raw.sqlite'), batches, 'NORMAL');

    // then the file holds a chain Mandate verifies: the baseline did the same hashing work
    const log = new SqliteStoredEvents(dir.file('raw.sqlite'));
    const result = verifyChain(log.readStored());
    log.close();
    expect(written).toBe(4);
    expect(result).toMatchObject({ ok: true, checked: 4 });
  });
});
