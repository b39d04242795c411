import type { EventStore } from '../event-store.port';
import type { CheckpointSigningKey } from './checkpoint-signing-key';
import { signCheckpoint, type SignedCheckpoint } from './signed-checkpoint';
import type { SignedCheckpointStore } from './signed-checkpoint-store';

export interface CheckpointerOptions {
  checkpoints: SignedCheckpointStore;
  key: CheckpointSigningKey;
  /** CHECKPOINT_EVERY_EVENTS: sign each position that is a multiple of it. */
  every: number;
  clock?: () => Date;
  onError?: (message: string) => void;
}

/**
 * Signs the chain head: on demand (`checkpointHead`) and every N events (`run`, which follows the
 * store's subscription). It only signs a head it saw link to the previous one, so a break in the
 * chain stops the signing rather than being vouched for.
 */
export class Checkpointer {
  constructor(private readonly options: CheckpointerOptions) {}

  sign(position: number, headHash: string): SignedCheckpoint {
    const checkpoint = signCheckpoint(
      { position, headHash, signedAt: (this.options.clock ?? (() => new Date()))().toISOString() },
      this.options.key.privateKey,
    );
    this.options.checkpoints.save(checkpoint);
    return checkpoint;
  }

  /** Signs the store's current head; null for an empty log. */
  async checkpointHead(
    store: Pick<EventStore, 'headPosition' | 'readAll'>,
  ): Promise<SignedCheckpoint | null> {
    const head = await store.headPosition();
    if (head === 0) return null;
    const [event] = await store.readAll({ fromPosition: head, limit: 1 });
    return this.sign(event.globalPosition, event.hash);
  }

  /** Runs until `signal` aborts, resuming after the last signed checkpoint. */
  async run(store: Pick<EventStore, 'subscribe'>, signal: AbortSignal): Promise<void> {
    const last = this.options.checkpoints.last();
    let previous = last?.headHash;
    for await (const event of store.subscribe({ fromPosition: (last?.position ?? 0) + 1, signal })) {
      if (previous !== undefined && event.prevHash !== previous) {
        (this.options.onError ?? console.error)(
          `checkpointing stopped: event ${event.globalPosition} does not link to the previous event's hash; run \`audit verify\``,
        );
        return;
      }
      previous = event.hash;
      if (event.globalPosition % this.options.every === 0) this.sign(event.globalPosition, event.hash);
    }
  }
}
