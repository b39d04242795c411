import { Client } from 'pg';
import { loadConfig } from '@mandate/config';
import { freshPostgresSchema, requireDatabaseUrl } from '@mandate/testing';
import { CallerRateLimiter } from '../../apps/api/src/core/caller-rate.limiter';
import { rateCountersFor, type RateCounters } from '../../apps/api/src/core/rate-counters';

const url = requireDatabaseUrl();
const alice = { kind: 'user', id: 'alice' } as const;

describe('rates are counted once for every API node on one PostgreSQL', () => {
  let schema: ReturnType<typeof freshPostgresSchema>;
  let nodes: RateCounters[];

  beforeAll(async () => {
    schema = freshPostgresSchema(url, 'rates');
    const admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema.schema}"`);
    await admin.end();
    const config = loadConfig({
      EVENT_STORE: 'postgres',
      DATABASE_URL: `${url}${url.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema.schema}`,
    });
    nodes = [await rateCountersFor(config), await rateCountersFor(config)];
  });
  afterAll(async () => {
    await Promise.all((nodes ?? []).map((node) => node.close()));
    await schema.drop();
  });

  it('given three access requests a minute, when a caller spends two on one node and two on another, then the fourth is refused 429', async () => {
    const [a, b] = nodes.map((node) => new CallerRateLimiter(3, 60, 'access requests', node));
    await a.admit(alice, 'ws-acme');
    await a.admit(alice, 'ws-acme');
    await b.admit(alice, 'ws-acme');

    const refusal = await b.admit(alice, 'ws-acme').catch((error: unknown) => error);

    expect(refusal).toMatchObject({ kind: 'too_many_requests', code: 'rate-limited' });
  });

  it('given two limited things with the same caller, when one is spent, then the other still admits', async () => {
    const [sessions, memory] = [
      new CallerRateLimiter(1, 60, 'gateway sessions', nodes[0]),
      new CallerRateLimiter(1, 60, 'memory updates', nodes[1]),
    ];
    await sessions.admit(alice, 'ws-globex');

    await expect(memory.admit(alice, 'ws-globex')).resolves.toBeUndefined();
    await expect(sessions.admit(alice, 'ws-globex')).rejects.toMatchObject({ code: 'rate-limited' });
  });
});
