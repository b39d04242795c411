/**
 * Where a consumer remembers the global position of the last event it applied. A consumer resumes
 * by subscribing from `load() + 1`. When the consumer's state is persisted, the checkpoint must be
 * written in the same transaction as that state — otherwise a crash between the two either skips
 * or re-applies events.
 */
export interface CheckpointStore {
  /** 0 when the consumer has never applied anything. */
  load(consumer: string): Promise<number>;
  save(consumer: string, position: number): Promise<void>;
}
