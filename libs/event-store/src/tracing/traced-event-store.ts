import { contextOfTraceparent, inSpan, SpanKind, traceparentOf } from '@mandate/observability';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  NewEvent,
  ReadAllOptions,
  RecordedEvent,
  SubscribeOptions,
  TraceparentSource,
} from '../event-store.port';

const hasTraceparents = (store: object): store is TraceparentSource =>
  typeof (store as Partial<TraceparentSource>).traceparentsBetween === 'function';

/**
 * The store, traced (installed only when tracing is on, by the one store factory):
 * - `append` runs in a span (`event-store append`) whose attributes are the event types, their count
 *   and the positions written, never a stream id, an actor or data; each event is stored with
 *   that span's `traceparent` beside it (outside the hash chain);
 * - `readAll` hands each event its stored `traceparent`, so the Kafka relay can make its publish
 *   span a child of the append that wrote the event, even when another process appended it;
 * - each event a subscription delivers is marked by a short span, a child of its append.
 * Every other member is the store's own, so the traced store is still an AppEventStore.
 */
export function traceEventStore<Store extends EventStore>(store: Store): Store {
  const traced: Partial<EventStore> = {
    append: (streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> =>
      inSpan(
        'event-store append',
        {
          kind: SpanKind.INTERNAL,
          attributes: {
            'mandate.event.types': [...new Set(events.map((event) => event.type))].join(','),
            'mandate.event.count': events.length,
          },
        },
        async (span) => {
          const traceparent = traceparentOf();
          const result = await store.append(
            streamId,
            traceparent === undefined ? events : events.map((event) => ({ ...event, traceparent })),
            options,
          );
          if (result.positions.length > 0) {
            span.setAttribute('mandate.log.position', result.positions[result.positions.length - 1]);
            span.setAttribute('mandate.log.first_position', result.positions[0]);
          }
          return result;
        },
      ),
    readAll: async (options?: ReadAllOptions): Promise<RecordedEvent[]> => {
      const events = await store.readAll(options);
      if (events.length === 0 || !hasTraceparents(store)) return events;
      const traces = await store.traceparentsBetween(
        events[0].globalPosition,
        events[events.length - 1].globalPosition,
      );
      if (traces.size === 0) return events;
      return events.map((event) => {
        const traceparent = traces.get(event.globalPosition);
        return traceparent === undefined ? event : { ...event, traceparent };
      });
    },
    subscribe: (options?: SubscribeOptions): AsyncIterable<RecordedEvent> => delivered(store, options),
  };
  return new Proxy(store, {
    get(target, property) {
      if (Object.hasOwn(traced, property)) return traced[property as keyof EventStore];
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * A delivered event continues the trace of its append; an event appended without one (tracing
 * off then, or the CLI) starts none, so a catch-up over an old log does not make a trace per event.
 */
async function* delivered(store: EventStore, options?: SubscribeOptions): AsyncGenerator<RecordedEvent> {
  const traces = hasTraceparents(store) ? new TraceWindow(store, store) : undefined;
  for await (const event of store.subscribe(options)) {
    const position = event.globalPosition;
    const traceparent = await traces?.at(position);
    if (traceparent !== undefined) {
      await inSpan(
        'event-store deliver',
        {
          kind: SpanKind.CONSUMER,
          parent: contextOfTraceparent(traceparent),
          attributes: { 'mandate.log.position': position, 'mandate.event.type': event.type },
        },
        async () => undefined,
      );
    }
    yield event;
  }
}

const WINDOW = 512;

/**
 * The trace contexts of a page of positions, read once: a catch-up over a long log costs one read
 * per 512 events, not one per event. A page covers only positions the log held when it was read
 * (a trace context is committed with its event), so a later event is never taken for an untraced one.
 */
class TraceWindow {
  private from = 0;
  private through = -1;
  private page = new Map<number, string>();

  constructor(
    private readonly source: TraceparentSource,
    private readonly log: Pick<EventStore, 'headPosition'>,
  ) {}

  async at(position: number): Promise<string | undefined> {
    if (position < this.from || position > this.through) {
      const head = await this.log.headPosition();
      this.from = position;
      this.through = Math.min(position + WINDOW - 1, Math.max(head, position));
      this.page = await this.source.traceparentsBetween(this.from, this.through);
    }
    return this.page.get(position);
  }
}
