import {
  BACKWARDS,
  END,
  type EventStoreDBClient,
  StreamNotFoundError,
  type ResolvedEvent,
} from '@eventstore/db-client';

/**
 * The client calls a state stream makes (a consumer's checkpoint, a role's leader lease): the
 * fake server provides them in unit tests.
 */
export type EventStoreDbStateStreamClient = Pick<
  EventStoreDBClient,
  'appendToStream' | 'readStream' | 'setStreamMetadata'
>;

/** Older records are dropped by EventStoreDB's scavenge; a few are kept for an operator to read. */
const KEPT_RECORDS = 10;

const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** `<prefix><name>`, once `name` (what the stream is `of`: a consumer, a role) is in the grammar. */
export function stateStreamOf(prefix: string, of: string, name: string): string {
  if (!NAME.test(name)) throw new Error(`${of} name ${JSON.stringify(name)} is not [A-Za-z0-9_.-]{1,100}`);
  return `${prefix}${name}`;
}

/** The stream's newest event (any stream: a state stream, an aggregate's, the chain), or undefined when it has none. */
export async function newestEventOf(
  client: Pick<EventStoreDBClient, 'readStream'>,
  stream: string,
  options: { requiresLeader?: boolean } = {},
): Promise<ResolvedEvent['event']> {
  try {
    const newest = client.readStream(stream, {
      direction: BACKWARDS,
      fromRevision: END,
      maxCount: 1,
      ...options,
    }) as AsyncIterable<ResolvedEvent>;
    for await (const { event } of newest) if (event) return event;
    return undefined;
  } catch (error) {
    if (error instanceof StreamNotFoundError) return undefined;
    throw error;
  }
}

/** Sets each stream's `$maxCount` once, before its first write from this process, so it stays small. */
export class BoundedStreams {
  private readonly bounded = new Set<string>();

  constructor(private readonly client: EventStoreDbStateStreamClient) {}

  async bound(stream: string, options?: { deadline?: number }): Promise<void> {
    if (this.bounded.has(stream)) return;
    await this.client.setStreamMetadata(stream, { maxCount: KEPT_RECORDS }, options);
    this.bounded.add(stream);
  }
}
