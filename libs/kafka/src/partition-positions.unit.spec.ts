import type { CheckpointStore } from '@mandate/event-store';
import { PartitionPositions } from './partition-positions';

/** A checkpoint store that outlives the consumers using it, as the event store's table does. */
function durableStore(): CheckpointStore & { saved: Map<string, number> } {
  const saved = new Map<string, number>();
  return {
    saved,
    load: async (consumer) => saved.get(consumer) ?? 0,
    save: async (consumer, position) => {
      saved.set(consumer, position);
    },
  };
}

describe('PartitionPositions (consumer dedupe that survives a restart)', () => {
  it('given events handled up to position 7 on a partition, when the consumer restarts and the same events are redelivered, then they are recognised as duplicates and only later ones are handled', async () => {
    // given
    const store = durableStore();
    const before = new PartitionPositions(store, 'notifications');
    for (const position of [3, 5, 7]) {
      expect(await before.isNew('mandate.access', 0, position)).toBe(true);
      await before.handled('mandate.access', 0, position);
    }

    // when: a new process, empty memory, the same store
    const after = new PartitionPositions(store, 'notifications');

    // then
    expect(await after.isNew('mandate.access', 0, 5)).toBe(false);
    expect(await after.isNew('mandate.access', 0, 7)).toBe(false);
    expect(await after.isNew('mandate.access', 0, 8)).toBe(true);
    // and another partition, or another group, keeps its own position
    expect(await after.isNew('mandate.access', 1, 5)).toBe(true);
    expect(await new PartitionPositions(store, 'other-group').isNew('mandate.access', 0, 5)).toBe(true);
  });

  it('given a partition, when an event is handled, then its position is saved before the next one is asked about', async () => {
    const store = durableStore();
    const positions = new PartitionPositions(store, 'g');

    await positions.handled('t', 2, 11);

    expect(store.saved.get('g/t/2')).toBe(11);
    expect(await positions.isNew('t', 2, 11)).toBe(false);
  });
});
