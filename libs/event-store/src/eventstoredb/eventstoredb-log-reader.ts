import {
  BACKWARDS,
  END,
  type EventStoreDBClient,
  FORWARDS,
  StreamNotFoundError,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { positionOf, type LogRecord } from './log-event';

/** Reads the one log stream through the client, by global position (revision + 1). */
export class EventStoreDbLogReader {
  constructor(
    private readonly client: Pick<EventStoreDBClient, 'readStream'>,
    private readonly logStream: string,
  ) {}

  async headPosition(): Promise<number> {
    for await (const record of this.records({ fromRevision: END, direction: BACKWARDS, maxCount: 1 })) {
      return positionOf(record);
    }
    return 0;
  }

  async at(position: number): Promise<LogRecord> {
    for await (const record of this.from(position, 1)) return record;
    throw new Error(`Log stream ${this.logStream} has no event at position ${position}`);
  }

  from(fromPosition: number, limit?: number): AsyncIterable<LogRecord> {
    return this.records({
      fromRevision: BigInt(fromPosition - 1),
      direction: FORWARDS,
      maxCount: limit ?? Number.MAX_SAFE_INTEGER,
    });
  }

  private async *records(options: {
    fromRevision: bigint | typeof END;
    direction: typeof FORWARDS | typeof BACKWARDS;
    maxCount: number;
  }): AsyncGenerator<LogRecord> {
    if (options.maxCount <= 0) return;
    try {
      for await (const resolved of this.client.readStream(
        this.logStream,
        options,
      ) as AsyncIterable<ResolvedEvent>) {
        const event = resolved.event;
        if (!event) continue;
        yield {
          id: event.id,
          type: event.type,
          revision: event.revision,
          created: event.created,
          data: event.data,
        };
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return;
      throw error;
    }
  }
}
