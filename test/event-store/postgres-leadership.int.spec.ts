import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { PostgresLeadership } from '@mandate/event-store';
import { requireDatabaseUrl } from '@mandate/testing';

const RETRY_MS = 200;

/** A node campaigning for `role`: what its work saw, and how to stop it. */
function contender(url: string, role: string, scope: string) {
  const leadership = new PostgresLeadership({
    connectionString: url,
    scope,
    retryMs: RETRY_MS,
    heartbeatMs: 200,
  });
  const stop = new AbortController();
  const terms: { startedAt: number; lostAt?: number }[] = [];
  const done = leadership.whileLeader(
    role,
    async (leading) => {
      const term: { startedAt: number; lostAt?: number } = { startedAt: Date.now() };
      terms.push(term);
      await new Promise<void>((resolve) =>
        leading.addEventListener('abort', () => resolve(), { once: true }),
      );
      term.lostAt = Date.now();
    },
    stop.signal,
  );
  return {
    leadership,
    terms,
    working: () => terms.some((term) => term.lostAt === undefined),
    stop: async () => {
      stop.abort();
      await done;
    },
  };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`not reached within ${timeoutMs} ms`);
    await sleep(20);
  }
  return Date.now() - started;
}

describe('Leadership on PostgreSQL (a session-level advisory lock on a connection of its own)', () => {
  const url = requireDatabaseUrl();
  const scope = `test_${randomBytes(6).toString('hex')}`;
  let admin: Client;

  beforeAll(async () => {
    admin = new Client({ connectionString: url });
    await admin.connect();
  });

  afterAll(() => admin.end());

  /** Ends, from outside, the sessions of the contenders for `role` that hold an advisory lock. */
  async function killLeaderConnection(role: string): Promise<number> {
    const { rows } = await admin.query<{ killed: boolean }>(
      `SELECT pg_terminate_backend(a.pid) AS killed FROM pg_stat_activity a
        WHERE a.application_name = $1
          AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted)`,
      [`mandate-leadership:${role}`],
    );
    return rows.filter((row) => row.killed).length;
  }

  it('given two contenders for one role, then exactly one runs the work, and it keeps it', async () => {
    const role = `relay-${randomBytes(4).toString('hex')}`;
    const a = contender(url, role, scope);
    const b = contender(url, role, scope);
    try {
      await until(() => a.working() || b.working(), 5_000);
      await sleep(RETRY_MS * 4);

      expect([a.working(), b.working()].filter(Boolean)).toHaveLength(1);
      expect([a.leadership.leads(role), b.leadership.leads(role)].filter(Boolean)).toHaveLength(1);
      expect(a.terms.length + b.terms.length).toBe(1);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('given a leader, when its connection is killed, then its work stops at once and the other contender leads within a bounded time', async () => {
    const role = `relay-${randomBytes(4).toString('hex')}`;
    const a = contender(url, role, scope);
    await until(a.working, 5_000);
    const b = contender(url, role, scope);
    try {
      await sleep(RETRY_MS * 2);
      expect(b.working()).toBe(false);

      const killedAt = Date.now();
      expect(await killLeaderConnection(role)).toBe(1);
      await until(() => !a.working(), 2_000);
      const takeoverMs = await until(b.working, 5_000);

      expect(a.terms[0].lostAt! - killedAt).toBeLessThan(1_000);
      expect(takeoverMs).toBeLessThan(RETRY_MS * 5 + 1_000);
      expect([a.working(), b.working()]).toEqual([false, true]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('given a leader that stops, then its lock is released and the other contender leads', async () => {
    const role = `relay-${randomBytes(4).toString('hex')}`;
    const a = contender(url, role, scope);
    await until(a.working, 5_000);
    const b = contender(url, role, scope);
    try {
      await a.stop();

      await until(b.working, 5_000);
      expect(a.leadership.leads(role)).toBe(false);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('given a stop while the lock query is in flight, when the lock is won, then the work never starts and the lock is let go', async () => {
    // given: the stop lands right after the campaign's lock query is sent, which then wins the lock
    const role = `relay-${randomBytes(4).toString('hex')}`;
    const stop = new AbortController();
    const leadership = new PostgresLeadership({ connectionString: url, scope, retryMs: RETRY_MS });
    const query: (...args: unknown[]) => unknown = Client.prototype.query;
    const stopOnLockQuery = jest.spyOn(Client.prototype, 'query').mockImplementation(function (
      this: Client,
      ...args: unknown[]
    ) {
      const sent = query.apply(this, args);
      if (typeof args[0] === 'string' && args[0].includes('pg_try_advisory_lock')) stop.abort();
      return sent as never;
    });
    let started = false;

    // when
    try {
      await leadership.whileLeader(role, async () => void (started = true), stop.signal);
    } finally {
      stopOnLockQuery.mockRestore();
    }

    // then: a work started now would be told to stop by a signal that already fired, and never be
    const next = contender(url, role, scope);
    try {
      expect(started).toBe(false);
      expect(leadership.leads(role)).toBe(false);
      await until(next.working, 5_000);
    } finally {
      await next.stop();
    }
  });

  it('given two deployments sharing one database, then each leads its own role', async () => {
    const role = `relay-${randomBytes(4).toString('hex')}`;
    const one = contender(url, role, `${scope}_one`);
    const two = contender(url, role, `${scope}_two`);
    try {
      await until(() => one.working() && two.working(), 5_000);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  });
});
