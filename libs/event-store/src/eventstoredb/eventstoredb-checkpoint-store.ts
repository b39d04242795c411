import { jsonEvent } from '@eventstore/db-client';
import type { CheckpointStore } from '../subscription/checkpoint-store.port';
import {
  BoundedStreams,
  type EventStoreDbStateStreamClient,
  newestEventOf,
  stateStreamOf,
} from './eventstoredb-state-stream';

/** The client calls a checkpoint store makes; the fake server provides them in unit tests. */
export type EventStoreDbCheckpointClient = EventStoreDbStateStreamClient;

/** Apart from the log's streams, so a reader of the log never meets a checkpoint. */
export const CHECKPOINT_STREAM_PREFIX = 'mandate-checkpoint-';

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
  private readonly bounded: BoundedStreams;

  constructor(private readonly client: EventStoreDbCheckpointClient) {
    this.bounded = new BoundedStreams(client);
  }

  async load(consumer: string): Promise<number> {
    const stream = streamOf(consumer);
    const newest = await newestEventOf(this.client, stream);
    if (newest === undefined) return 0;
    const position = (newest.data as Partial<CheckpointBody> | undefined)?.position;
    if (!Number.isSafeInteger(position) || (position as number) < 0) {
      throw new Error(`Checkpoint stream ${stream} holds no valid position`);
    }
    return position as number;
  }

  async save(consumer: string, position: number): Promise<void> {
    const stream = streamOf(consumer);
    await this.bounded.bound(stream);
    await this.client.appendToStream(
      stream,
      jsonEvent({ type: 'CheckpointSaved', data: { position } satisfies CheckpointBody }),
    );
  }
}

const streamOf = (consumer: string) => stateStreamOf(CHECKPOINT_STREAM_PREFIX, 'Consumer', consumer);
