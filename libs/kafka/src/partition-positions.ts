import type { CheckpointStore } from '@mandate/event-store';

/**
 * Idempotent apply by log position, for a consumer group: the relay publishes in log order and a
 * stream's events share a partition, so within one partition a message at or below the highest
 * position already handled is a copy (a batch the relay retried, or a message handled before a
 * crash but not committed). That position is kept per (group, topic, partition) in a checkpoint
 * store — the event store's own, shared by every node of the group — so duplicates are still
 * recognised after a restart, or after a partition moves to another node, with no window to
 * size and no memory growing with traffic.
 */
export class PartitionPositions {
  private readonly known = new Map<string, number>();

  constructor(
    private readonly store: CheckpointStore,
    private readonly groupId: string,
  ) {}

  /** True when no event at or after `position` was handled on this partition yet. */
  async isNew(topic: string, partition: number, position: number): Promise<boolean> {
    return position > (await this.highest(this.key(topic, partition)));
  }

  /** Records that the event at `position` was handled (after its effect, so a failure retries it). */
  async handled(topic: string, partition: number, position: number): Promise<void> {
    const key = this.key(topic, partition);
    if (position <= (await this.highest(key))) return;
    await this.store.save(key, position);
    this.known.set(key, position);
  }

  /** After a rebalance: a partition this process held may have been handled elsewhere meanwhile. */
  forget(): void {
    this.known.clear();
  }

  private key(topic: string, partition: number): string {
    return `${this.groupId}/${topic}/${partition}`;
  }

  /** Read once per partition: this process alone handles it until the next rebalance (`forget`). */
  private async highest(key: string): Promise<number> {
    let position = this.known.get(key);
    if (position === undefined) {
      position = await this.store.load(key);
      this.known.set(key, position);
    }
    return position;
  }
}
