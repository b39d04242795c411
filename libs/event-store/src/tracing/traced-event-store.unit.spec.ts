import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { inSpan, startTracing, type Tracing } from '@mandate/observability';
import { note, testEventRegistry } from '../../test/test-events';
import { SqliteEventStore } from '../sqlite/sqlite-event-store.adapter';
import { verifyEventLog } from '../tamper/verify-event-log';
import { traceEventStore } from './traced-event-store';

describe('traced event store', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let raw: SqliteEventStore;
  let store: SqliteEventStore;

  beforeAll(() => {
    tracing = startTracing({ exporter, serviceName: 'event-store-spec' })!;
  });
  afterAll(() => tracing.shutdown());
  beforeEach(() => {
    exporter.reset();
    raw = new SqliteEventStore({ path: ':memory:', schemas: testEventRegistry() });
    store = traceEventStore(raw);
  });
  afterEach(() => store.close());

  it('given a request span, when it appends, then an append span (its child) names the positions and the event keeps its traceparent, outside the hash chain', async () => {
    // given a request span
    const request = await inSpan('POST /things', {}, async (span) => {
      // when it appends
      await store.append('note-1', [note('data-canary-1'), note('data-canary-2')], {
        expectedRevision: 'no_stream',
      });
      return span.spanContext();
    });
    await tracing.flush();

    // then the append span is the request's child and names the positions written, not the data
    const append = exporter.getFinishedSpans().find((span) => span.name === 'event-store append')!;
    expect(append.parentSpanContext?.spanId).toBe(request.spanId);
    expect(append.spanContext().traceId).toBe(request.traceId);
    expect(append.attributes).toEqual({
      'mandate.event.types': 'NoteWritten',
      'mandate.event.count': 2,
      'mandate.log.first_position': 1,
      'mandate.log.position': 2,
    });
    expect(JSON.stringify([append.attributes, append.events, append.links])).not.toContain('data-canary');

    // and each event is read back with the append's trace context; the raw store's reads are as before
    const traceparent = `00-${request.traceId}-${append.spanContext().spanId}-01`;
    expect((await store.readAll()).map((event) => event.traceparent)).toEqual([traceparent, traceparent]);
    expect((await raw.readAll()).map((event) => event.traceparent)).toEqual([undefined, undefined]);
    // and the hash chain does not cover it: the log verifies as intact
    expect(await verifyEventLog(raw)).toMatchObject({ ok: true, checked: 2 });
  });

  it('given an event appended untraced (another process, tracing off), when delivered, then no traceparent and no span', async () => {
    await raw.append('note-1', [note('alone')], { expectedRevision: 'no_stream' });
    const abort = new AbortController();
    for await (const event of store.subscribe({ signal: abort.signal })) {
      expect(event.traceparent).toBeUndefined();
      abort.abort();
    }
    await tracing.flush();

    expect(exporter.getFinishedSpans()).toEqual([]);
    expect((await store.readAll())[0].traceparent).toBeUndefined();
  });

  it('given a traced append, when a subscription delivers the event, then its deliver span is a child of the append', async () => {
    await store.append('note-1', [note('traced')], { expectedRevision: 'no_stream' });
    const abort = new AbortController();
    for await (const event of store.subscribe({ signal: abort.signal })) {
      expect(event.globalPosition).toBe(1);
      abort.abort();
    }
    await tracing.flush();

    const [append, deliver] = exporter.getFinishedSpans();
    expect(deliver.name).toBe('event-store deliver');
    expect(deliver.parentSpanContext?.spanId).toBe(append.spanContext().spanId);
    expect(deliver.attributes).toEqual({ 'mandate.log.position': 1, 'mandate.event.type': 'NoteWritten' });
  });

  it('given a subscription caught up, when another traced event is appended live, then its delivery continues its own append, not a stale page', async () => {
    await store.append('note-1', [note('first')], { expectedRevision: 'no_stream' });
    const abort = new AbortController();
    const seen: number[] = [];
    for await (const event of store.subscribe({ signal: abort.signal })) {
      seen.push(event.globalPosition);
      if (event.globalPosition === 1)
        await store.append('note-2', [note('live')], { expectedRevision: 'no_stream' });
      else abort.abort();
    }
    await tracing.flush();

    const spans = exporter.getFinishedSpans();
    const appends = spans.filter((span) => span.name === 'event-store append');
    const delivers = spans.filter((span) => span.name === 'event-store deliver');
    expect(seen).toEqual([1, 2]);
    expect(delivers.map((span) => span.parentSpanContext?.spanId)).toEqual(
      appends.map((span) => span.spanContext().spanId),
    );
  });

  it('given a forged traceparent on a new event, when appended by the raw store, then it is not stored', async () => {
    await raw.append('note-1', [{ ...note('x'), traceparent: "00-'; DROP TABLE events; --" }], {
      expectedRevision: 'no_stream',
    });

    expect(await raw.traceparentsBetween(1, 1)).toEqual(new Map());
  });

  it('given the traced store, then it is still the store: other members answer as the store does', async () => {
    await store.append('note-1', [note('a')], { expectedRevision: 'no_stream' });

    expect(await store.headPosition()).toBe(1);
    expect(store.path).toBe(':memory:');
    expect(store.checkpointStore()).toBe(raw.checkpointStore());
  });
});
