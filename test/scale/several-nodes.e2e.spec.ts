import { setTimeout as sleep } from 'node:timers/promises';
import { Client as PgClient } from 'pg';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { eventSchemas, jitWorkflowId } from '@mandate/domain';
import { EventSchemaRegistry, openPostgresEventStore } from '@mandate/event-store';
import { RELAY_CONSUMER } from '@mandate/kafka';
import { requireDatabaseUrl } from '@mandate/testing';
import { relayedPositions, startWebhookReceiver } from './cluster-observers';
import { NodeCluster, type NodeProcess } from './node-cluster';

const WS = 'nodes';
const BATCH = 50;

interface Answer<T> {
  status: number;
  body: T;
}

/**
 * 3 API processes and 2 workers (the apps' own entry points) on one PostgreSQL database, one
 * Temporal task queue and one Kafka topic prefix; every API node runs with RELAY_ENABLED=true and
 * a notifier. One API (the relay's leader) and one worker are SIGKILLed mid-run.
 */
describe('Several nodes: 3 APIs and 2 workers on one PostgreSQL, Temporal and Kafka', () => {
  let cluster: NodeCluster;
  let webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const requestIds: string[] = [];
  let pendingIds: string[] = [];

  async function call<T>(node: NodeProcess, method: string, path: string, as: string, body?: unknown) {
    const token =
      as === 'gateway' ? await cluster.token(as, 'service', ['permissions:check']) : await cluster.token(as);
    const response = await fetch(`${node.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as T } as Answer<T>;
  }

  async function ok<T>(reply: Promise<Answer<T>>, status = 200): Promise<T> {
    const answer = await reply;
    if (answer.status !== status)
      throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  const extend = (node: NodeProcess, id: string) =>
    call<{ position: number }>(node, 'POST', `/v1/workspaces/${WS}/channels/eng/extensions`, 'root', {
      rule: { id, connector: 'github', actions: ['read'], resources: [`${WS}/${id}`] },
    });

  const check = (node: NodeProcess, action: string, resource: string, minPosition?: number) =>
    call<{ allowed: boolean }>(node, 'POST', '/v1/check', 'gateway', {
      workspaceId: WS,
      channelId: 'eng',
      connector: 'github',
      action,
      resource,
      minPosition,
    });

  /** A check on `node` once it has applied `position` (the setup's roles come from its projection). */
  async function reached(node: NodeProcess, position: number): Promise<void> {
    for (let tries = 0; (await check(node, 'read', `${WS}/none`, position)).status !== 200; tries++) {
      if (tries > 60) throw new Error(`${node.name} did not reach position ${position}`);
    }
  }

  async function request(node: NodeProcess, resource: string): Promise<string> {
    const { requestId } = await ok(
      call<{ requestId: string }>(node, 'POST', `/v1/workspaces/${WS}/access-requests`, 'rita', {
        channelId: 'eng',
        connector: 'github',
        actions: ['write'],
        resources: [resource],
        durationSeconds: 3600,
        reason: 'several nodes',
      }),
      201,
    );
    requestIds.push(requestId);
    return requestId;
  }

  const decide = (node: NodeProcess, requestId: string, step: string, as: string, body: unknown = {}) =>
    ok(
      call<{ status: string; position: number }>(
        node,
        'POST',
        `/v1/workspaces/${WS}/access-requests/${requestId}/${step}`,
        as,
        body,
      ),
    );

  /** How many webhook deliveries asked approvers to decide the request. */
  const notified = (requestId: string) =>
    webhook.bodies.filter((body) =>
      JSON.stringify(body).includes(`Access request \`${requestId}\` needs approval`),
    ).length;

  async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  /** The API node that logged taking the relay's role last, among those given. */
  const relayLeaders = (nodes: NodeProcess[]) =>
    nodes.filter((node) => node.logged('leading the Kafka relay'));

  beforeAll(async () => {
    webhook = await startWebhookReceiver();
    cluster = new NodeCluster({
      serverUrl: requireDatabaseUrl(),
      temporalAddress: process.env.TEMPORAL_ADDRESS!,
      kafkaBrokers: process.env.KAFKA_BROKERS!,
      env: { RELAY_ENABLED: 'true', RELAY_BATCH_SIZE: String(BATCH), NOTIFY_WEBHOOK_URL: webhook.url },
    });
    await cluster.createDatabase();
    // The first node alone: it writes the keys every node shares.
    await cluster.add('api').start();
    const rest = [cluster.add('api'), cluster.add('api'), cluster.add('worker'), cluster.add('worker')];
    await Promise.all(rest.map((node) => node.start()));
    const [api1] = cluster.apis();
    await ok(call(api1, 'POST', '/v1/workspaces', 'root', { workspaceId: WS, name: 'Nodes' }), 201);
    await ok(call(api1, 'PUT', `/v1/workspaces/${WS}/members/alice/roles/approver`, 'root'));
    await ok(call(api1, 'PUT', `/v1/workspaces/${WS}/members/rita/roles/member`, 'root'));
    await ok(call(api1, 'PUT', `/v1/workspaces/${WS}/services/gateway`, 'root'));
    const { position } = await ok(
      call<{ position: number }>(api1, 'POST', `/v1/workspaces/${WS}/channels`, 'root', {
        channelId: 'eng',
        name: 'Eng',
        visibility: 'public',
      }),
      201,
    );
    for (const node of cluster.apis()) await reached(node, position);
  }, 240_000);

  afterAll(async () => {
    await cluster?.stop();
    await webhook?.close();
  }, 60_000);

  it('given a write on one node, when another node is asked with the write’s minPosition, then it answers with the write applied', async () => {
    const apis = cluster.apis();
    for (let index = 0; index < 9; index++) {
      const id = `ryw-${index}`;
      const { position } = await ok(extend(apis[index % 3], id), 201);

      const answer = await ok(check(apis[(index + 1) % 3], 'read', `${WS}/${id}`, position));

      expect(answer.allowed).toBe(true);
    }
    expect((await ok(check(apis[2], 'read', `${WS}/never-written`))).allowed).toBe(false);
  }, 60_000);

  it('given JIT requests filed on one node and approved on another, then a third node allows at the approval’s position, and each request is notified once', async () => {
    const [api1, api2, api3] = cluster.apis();
    for (let index = 0; index < 3; index++) {
      const resource = `${WS}/jit-${index}`;
      const requestId = await request(api2, resource);

      const approved = await decide(api3, requestId, 'approve', 'alice');

      expect(approved.status).toBe('active');
      expect((await ok(check(api1, 'write', resource, approved.position))).allowed).toBe(true);
    }
    pendingIds = [await request(api1, `${WS}/pending-0`), await request(api3, `${WS}/pending-1`)];
    await until('every request notified', () => requestIds.every((id) => notified(id) >= 1));
    expect(requestIds.map(notified)).toEqual(requestIds.map(() => 1));
    expect(relayLeaders(cluster.apis())).toHaveLength(1);
  }, 90_000);

  it('given writes and checks spread over every node, when the relay’s leader API and a worker are SIGKILLed mid-run, then no acknowledged write is lost, survivors keep answering, every workflow completes, the restarted node catches up, the relay publishes each position once (at most the batch in flight at the kill again) and notifications go out once', async () => {
    const apis = cluster.apis();
    const [victim] = relayLeaders(apis);
    const survivors = apis.filter((node) => node !== victim);
    const worker = cluster.nodes.find((node) => node.kind === 'worker')!;
    const acknowledged: { id: string; position: number }[] = [];
    const survivorFailures: string[] = [];
    let running = true;
    let written = 0;
    const writer = async (lane: number) => {
      for (let turn = 0; running; turn++) {
        const node = apis[(lane + turn) % 3];
        const id = `load-${lane}-${written++}`;
        const answer = await extend(node, id).catch(() => undefined);
        if (answer?.status === 201) acknowledged.push({ id, position: answer.body.position });
        await sleep(50);
      }
    };
    const checker = async () => {
      for (let turn = 0; running; turn++) {
        const node = survivors[turn % survivors.length];
        const answer = await check(node, 'read', `${WS}/ryw-0`).catch((error: unknown) => ({
          status: String(error),
        }));
        if (answer.status !== 200) survivorFailures.push(`${node.name}: ${answer.status}`);
      }
    };
    const load = [writer(0), writer(1), writer(2), checker()];
    await sleep(2_000);
    const db = new PgClient({ connectionString: cluster.databaseUrl });
    await db.connect();
    const relayCheckpoint = async () =>
      Number(
        (
          await db.query<{ position: string }>(
            'SELECT position FROM public.checkpoints WHERE consumer = $1',
            [RELAY_CONSUMER],
          )
        ).rows[0]?.position ?? 0,
      );

    // Before and just after the kill: the batch the victim had in flight lies between the two
    // (read after, the checkpoint may already be the new leader's, one batch further at most).
    const checkpointBeforeKill = await relayCheckpoint();
    await Promise.all([victim.kill(), worker.kill()]);
    const checkpointAfterKill = await relayCheckpoint();
    await sleep(3_000);
    // Pending requests approved on survivors: their workflows' tasks go to the surviving worker.
    for (const [index, requestId] of pendingIds.entries()) {
      await decide(survivors[index % 2], requestId, 'approve', 'alice');
    }
    for (const requestId of requestIds) {
      await decide(survivors[0], requestId, 'revoke', 'alice', { reason: 'the run is over' });
    }
    running = false;
    await Promise.all(load);
    await victim.start();
    const last = acknowledged.reduce((max, write) => (write.position > max.position ? write : max));
    const caughtUp = await ok(check(victim, 'read', `${WS}/${last.id}`, last.position));
    const afterRestart = await request(victim, `${WS}/after-restart`);
    await decide(victim, afterRestart, 'cancel', 'rita');

    const store = await openPostgresEventStore({
      connectionString: cluster.databaseUrl,
      schemas: new EventSchemaRegistry(eventSchemas),
    });
    const head = await store.headPosition();
    const events = new Map(
      (await store.readAll({ fromPosition: 1, limit: head })).map((event) => [event.globalPosition, event]),
    );
    await store.close();
    const lost = acknowledged.filter(
      ({ id, position }) => !JSON.stringify(events.get(position)?.data ?? null).includes(`"${id}"`),
    );
    await until('the relay reached the head', async () => (await relayCheckpoint()) >= head, 60_000);
    await db.end();
    const copies = new Map<number, number>();
    for (const position of await relayedPositions(process.env.KAFKA_BROKERS!, cluster.topicPrefix)) {
      copies.set(position, (copies.get(position) ?? 0) + 1);
    }
    const positions = Array.from({ length: head }, (_, index) => index + 1);
    const twice = positions.filter((position) => (copies.get(position) ?? 0) > 1);
    const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
    const temporal = new TemporalClient({ connection });
    const statuses = async () =>
      Promise.all(
        requestIds.map(
          async (id) => (await temporal.workflow.getHandle(jitWorkflowId(WS, id)).describe()).status.name,
        ),
      );
    await until('every workflow completed', async () =>
      (await statuses()).every((status) => status === 'COMPLETED'),
    );
    await connection.close();
    await until('the last request notified', () => notified(afterRestart) >= 1);
    await sleep(1_000);

    expect(acknowledged.length).toBeGreaterThan(50);
    expect({ lost_acknowledged_writes: lost.length }).toEqual({ lost_acknowledged_writes: 0 });
    expect(survivorFailures).toEqual([]);
    expect(caughtUp.allowed).toBe(true);
    expect(positions.filter((position) => !copies.has(position))).toEqual([]);
    expect(
      twice.filter((position) => position <= checkpointBeforeKill || position > checkpointAfterKill + BATCH),
    ).toEqual([]);
    expect(relayLeaders(survivors)).toHaveLength(1);
    expect(requestIds.map(notified)).toEqual(requestIds.map(() => 1));
  }, 150_000);
});
