import { Pool } from 'pg';
import type { AppConfig } from '@mandate/config';
import { RateLimiterMemory, RateLimiterPostgres, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** Where callers' rates are counted. */
export interface RateCounters {
  /** A counter of `points` per `durationSeconds` for one limited thing (`name`). */
  counter(name: string, points: number, durationSeconds: number): RateLimiterAbstract;
  close(): Promise<void>;
}

export const RATE_COUNTERS = Symbol('RATE_COUNTERS');

/** In this process: one node's budget (SQLite serves one node; EventStoreDB has no shared counter). */
export const IN_MEMORY_RATE_COUNTERS: RateCounters = {
  counter: (_name, points, duration) => new RateLimiterMemory({ points, duration }),
  close: async () => undefined,
};

const TABLE = 'rate_limits';

/**
 * In PostgreSQL, one row per (limited thing, caller), so every API node on the database spends
 * from one budget instead of N nodes allowing N times the rate. A database that cannot be reached
 * falls back to this node's own count (`insuranceLimiter`), so the write stays bounded rather than
 * failing; the write itself would then fail at the event store anyway.
 */
async function postgresRateCounters(connectionString: string): Promise<RateCounters> {
  const pool = new Pool({ connectionString, max: 4 });
  // The library's own table, created once before any counter is used (it refuses to count before).
  await new Promise<void>((resolve, reject) => {
    new RateLimiterPostgres(
      { storeClient: pool, storeType: 'pool', tableName: TABLE, points: 1, duration: 1 },
      (error?: unknown) =>
        error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(),
    );
  }).catch(async (error: unknown) => {
    await pool.end();
    throw error;
  });
  return {
    counter: (name, points, duration) =>
      new RateLimiterPostgres({
        storeClient: pool,
        storeType: 'pool',
        tableName: TABLE,
        tableCreated: true,
        keyPrefix: name,
        points,
        duration,
        insuranceLimiter: new RateLimiterMemory({ points, duration }),
      }),
    close: () => pool.end(),
  };
}

/** PostgreSQL's shared counters when the event store is PostgreSQL; this process's otherwise. */
export async function rateCountersFor(config: AppConfig): Promise<RateCounters> {
  if (config.EVENT_STORE === 'postgres' && config.DATABASE_URL !== undefined) {
    return postgresRateCounters(config.DATABASE_URL);
  }
  return IN_MEMORY_RATE_COUNTERS;
}
