import { RelayReadinessCheck } from './kafka.readiness-check';

const reachable = { check: async () => ({ state: 'up' as const, detail: '1 broker(s)' }) };
const unreachable = {
  check: async () => {
    throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
  },
};
const relay = (connected: boolean) => ({
  connected,
  lastFailure: connected ? undefined : 'timeout',
  relayedPosition: 41,
});

describe('Kafka readiness with the relay', () => {
  it('given a reachable broker and a relay publishing, then Kafka is up', async () => {
    await expect(new RelayReadinessCheck(reachable, relay(true)).check()).resolves.toEqual({
      state: 'up',
      detail: '1 broker(s); relayed through position 41',
    });
  });

  it('given an unreachable broker, then Kafka is degraded, not down: the API keeps serving', async () => {
    const result = await new RelayReadinessCheck(unreachable, relay(false)).check();

    expect(result.state).toBe('degraded');
    expect(result.detail).toMatch(/^broker unreachable: .*ECONNREFUSED.*; relayed through position 41$/);
  });

  it('given a reachable broker but a relay still failing to publish, then Kafka is degraded with the reason', async () => {
    await expect(new RelayReadinessCheck(reachable, relay(false)).check()).resolves.toEqual({
      state: 'degraded',
      detail: 'relay retrying: timeout; relayed through position 41',
    });
  });
});
