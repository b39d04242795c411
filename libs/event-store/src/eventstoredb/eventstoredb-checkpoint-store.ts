import {
  BACKWARDS,
  END,
  type EventStoreDBClient,
  jsonEvent,
  StreamNotFoundError,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type { CheckpointStore } from '../subscription/checkpoint-store.port';

/** The client calls a checkpoint store makes; the fake server provides them in unit tests. */
export type EventStoreDbCheckpointClient = Pick<
  EventStoreDBClient,
  'appendToStream' | 'readStream' | 'setStreamMetadata'
>;

/** Apart from the log's streams, so a reader of the log never meets a checkpoint. */
export const CHECKPOINT_STREAM_PREFIX = 'mandate-checkpoint-';

/** Older checkpoints are dropped by EventStoreDB's scavenge; a few are kept for an operator to read. */
const KEPT_CHECKPOINTS = 10;

interface CheckpointBody {
  position: number;
}

/**
 * Consumers' checkpoints stored in EventStoreDB itself, one stream per consumer
 * (`mandate-checkpoint-<consumer>`): the newest event holds the position. Every node that runs
 * the consumer reads the same checkpoint, so a relay moved to another node resumes where the last
 * one stopped. The stream's `$maxCount` keeps it from growing with every save.
 */
export class EventStoreDbCheckpointStore implements CheckpointStore {
  private readonly bounded = new Set<string>();

  constructor(private readonly client: EventStoreDbCheckpointClient) {}

  async load(consumer: string): Promise<number> {
    try {
      const newest = this.client.readStream(streamOf(consumer), {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
      }) as AsyncIterable<ResolvedEvent>;
      for await (const resolved of newest) {
        const position = (resolved.event?.data as Partial<CheckpointBody> | undefined)?.position;
        if (!Number.isSafeInteger(position) || (position as number) < 0) {
          throw new Error(`Checkpoint stream ${streamOf(consumer)} holds no valid position`);
        }
        return position as number;
      }
      return 0;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return 0;
      throw error;
    }
  }

  async save(consumer: string, position: number): Promise<void> {
    const stream = streamOf(consumer);
    if (!this.bounded.has(stream)) {
      await this.client.setStreamMetadata(stream, { maxCount: KEPT_CHECKPOINTS });
      this.bounded.add(stream);
    }
    await this.client.appendToStream(
      stream,
      jsonEvent({ type: 'CheckpointSaved', data: { position } satisfies CheckpointBody }),
    );
  }
}

const CONSUMER = /^[A-Za-z0-9_.-]{1,100}$/;

function streamOf(consumer: string): string {
  if (!CONSUMER.test(consumer))
    throw new Error(`Consumer name ${JSON.stringify(consumer)} is not [A-Za-z0-9_.-]{1,100}`);
  return `${CHECKPOINT_STREAM_PREFIX}${consumer}`;
}
