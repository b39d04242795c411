import type { CheckpointStore } from '@mandate/event-store';
import { LeaderCheckpoints } from './leader-relay';

/** The shared checkpoints, as the store keeps them for every node. */
function sharedCheckpoints(): CheckpointStore & { saved: Map<string, number> } {
  const saved = new Map<string, number>();
  return {
    saved,
    load: async (consumer) => saved.get(consumer) ?? 0,
    save: async (consumer, position) => void saved.set(consumer, position),
  };
}

describe('the relay’s checkpoints (written only while this node leads)', () => {
  it('given a term in force and the role held, when saving, then the shared checkpoint moves', async () => {
    const store = sharedCheckpoints();
    const checkpoints = new LeaderCheckpoints(store, () => true);
    checkpoints.term = new AbortController().signal;

    await checkpoints.save('kafka-relay', 10);

    expect(store.saved.get('kafka-relay')).toBe(10);
  });

  it('given the term ended, when a late batch saves, then it is refused and the checkpoint stays', async () => {
    const store = sharedCheckpoints();
    const checkpoints = new LeaderCheckpoints(store, () => true);
    const term = new AbortController();
    checkpoints.term = term.signal;
    term.abort();

    await expect(checkpoints.save('kafka-relay', 10)).rejects.toThrow(/no longer leading/);
    expect(store.saved.size).toBe(0);
  });

  it('given a lease run out by the clock before its timer aborted the term (a resumed pause), when saving, then it is refused', async () => {
    const store = sharedCheckpoints();
    let leads = true;
    const checkpoints = new LeaderCheckpoints(store, () => leads);
    checkpoints.term = new AbortController().signal;
    leads = false;

    await expect(checkpoints.save('kafka-relay', 10)).rejects.toThrow(/no longer leading/);
    expect(store.saved.size).toBe(0);
  });
});
