import { loadConfig } from '@mandate/config';
import { connectTemporalClient, startTemporalWorker } from '@mandate/temporal';

/** How an attempt ended and how long it took: a misconfigured TLS must fail, and fail soon. */
const outcomeOf = async (attempt: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> => {
  const started = Date.now();
  try {
    await attempt();
    return { error: undefined, ms: Date.now() - started };
  } catch (error) {
    return { error, ms: Date.now() - started };
  }
};

describe('Temporal clients with TEMPORAL_TLS=true against the plaintext dev server', () => {
  // given the local dev server, which serves plaintext only, and a configuration that asks for TLS
  const config = loadConfig({ ...process.env, TEMPORAL_TLS: 'true', LOG_LEVEL: 'warn' });
  const clearError = new RegExp(
    `^Cannot connect to Temporal at ${config.TEMPORAL_ADDRESS.replace(/\./g, '\\.')} over TLS \\(TEMPORAL_TLS=true;`,
  );

  it('given a workflow client, when it connects, then it fails within its connect timeout naming the address and TLS', async () => {
    const { error, ms } = await outcomeOf(() => connectTemporalClient(config));

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(clearError);
    expect(ms).toBeLessThan(15_000);
  }, 30_000);

  it('given the worker, when it starts, then it fails at once naming the address and TLS', async () => {
    const { error, ms } = await outcomeOf(() => startTemporalWorker(config, {}));

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(clearError);
    expect(ms).toBeLessThan(5_000);
  }, 30_000);
});
