import { createServer } from 'node:net';
import { PostgresLeadership } from './postgres-leadership';

/** A loopback port nothing listens on: taken, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('PostgresLeadership when the database cannot be reached', () => {
  it('given a database that refuses connections, when a node campaigns, then it never leads and the failure is reported once, not on every retry', async () => {
    const port = await closedPort();
    const failures: string[] = [];
    const leadership = new PostgresLeadership({
      connectionString: `postgres://mandate@127.0.0.1:${port}/mandate`,
      retryMs: 50,
      onCampaignFailed: (role) => failures.push(role),
    });
    const stop = new AbortController();
    let worked = false;

    const running = leadership.whileLeader('kafka-relay', async () => void (worked = true), stop.signal);
    await new Promise((resolve) => setTimeout(resolve, 400));
    stop.abort();
    await running;

    expect(worked).toBe(false);
    expect(leadership.leads('kafka-relay')).toBe(false);
    expect(failures).toEqual(['kafka-relay']);
  });
});
