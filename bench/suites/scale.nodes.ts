import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { eventSchemas } from '@mandate/domain';
import { EventSchemaRegistry, openPostgresEventStore } from '@mandate/event-store';
import { providePostgres } from '@mandate/infra';
import { NodeCluster, type NodeProcess } from '../../test/scale/node-cluster';
import { type BenchContext, median, metric, type Metric } from '../harness';
import { cpuMsOf } from '../process-cpu';

const WS = 'nodes';
/** The API nodes here run without Temporal: identity writes and checks do not need it. */
const WITHOUT_TEMPORAL = ['temporal'];
/**
 * Checks per second offered to each node, 1 node or 3 (so 3 nodes answer three times as many, as
 * when nodes are added for capacity): well below what one node answers, so that 3 × this still
 * fits two cores and no setup batches more requests per event-loop turn than the other.
 */
const CHECK_RATE_PER_NODE = 400;

async function post(node: NodeProcess, path: string, token: string, body: unknown, method = 'POST') {
  const response = await fetch(`${node.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json().catch(() => null)) as { position?: number },
  };
}

/** A workspace with a channel, 50 channel extensions and a check service, applied on every node. */
async function setUp(cluster: NodeCluster, nodes: NodeProcess[]): Promise<string> {
  const [first] = nodes;
  const checker = await cluster.token('gateway', 'service', ['permissions:check']);
  const root = await cluster.token('root');
  await post(first, '/v1/workspaces', root, { workspaceId: WS, name: 'Nodes' });
  await post(first, `/v1/workspaces/${WS}/services/gateway`, root, {}, 'PUT');
  await post(first, `/v1/workspaces/${WS}/channels`, root, {
    channelId: 'eng',
    name: 'Eng',
    visibility: 'public',
  });
  let position = 0;
  for (let index = 0; index < 50; index++) {
    const written = await post(first, `/v1/workspaces/${WS}/channels/eng/extensions`, root, {
      rule: {
        id: `repo-${index}`,
        connector: 'github',
        actions: ['read'],
        resources: [`${WS}/repo-${index}`],
      },
    });
    if (written.status !== 201)
      throw new Error(`extension: ${written.status} ${JSON.stringify(written.body)}`);
    position = written.body.position ?? position;
  }
  const check = {
    workspaceId: WS,
    channelId: 'eng',
    connector: 'github',
    action: 'read',
    resource: `${WS}/repo-7`,
  };
  for (const node of nodes) {
    // Each node answers once it has applied the setup (a check with its position waits for it).
    for (
      let tries = 0;
      (await post(node, '/v1/check', checker, { ...check, minPosition: position })).status !== 200;
      tries++
    ) {
      if (tries > 60) throw new Error(`${node.name} did not reach position ${position}`);
    }
  }
  return JSON.stringify(check);
}

/**
 * `perNode` checks to each of `nodes` (one load generator each, at once), at `rate` checks per
 * second per node when given; 2xx answers counted.
 */
async function checks(
  nodes: NodeProcess[],
  token: string,
  body: string,
  perNode: number,
  rate?: number,
): Promise<number> {
  const results = await Promise.all(
    nodes.map(
      (node) =>
        new Promise<autocannon.Result>((resolve, reject) =>
          autocannon(
            {
              url: `${node.url}/v1/check`,
              method: 'POST',
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
              body,
              amount: perNode,
              connections: 8,
              ...(rate ? { overallRate: rate } : {}),
            },
            (error, result) => (error ? reject(error) : resolve(result)),
          ),
        ),
    ),
  );
  return results.reduce((sum, result) => sum + result['2xx'], 0);
}

/**
 * Server CPU (µs, the API processes' user + system time) per check answered by `nodes`, each node
 * offered the same rate (CHECK_RATE_PER_NODE).
 */
async function cpuPerCheck(
  nodes: NodeProcess[],
  token: string,
  body: string,
  perNode: number,
): Promise<number> {
  const before = nodes.map((node) => cpuMsOf(node.pid!));
  const answered = await checks(nodes, token, body, perNode, CHECK_RATE_PER_NODE);
  const spentMs = nodes.reduce((sum, node, index) => sum + cpuMsOf(node.pid!) - before[index], 0);
  return (spentMs * 1000) / answered;
}

/**
 * Writes spread over every node while one node is SIGKILLed: the acknowledged writes (201 with a
 * position) that the log does not hold at their position.
 */
async function lostAfterKill(
  cluster: NodeCluster,
  nodes: NodeProcess[],
  seconds: number,
): Promise<{ lost: number; acknowledged: number }> {
  const root = await cluster.token('root');
  const acknowledged: { id: string; position: number }[] = [];
  let running = true;
  let count = 0;
  const writer = async (lane: number) => {
    for (let turn = 0; running; turn++) {
      const id = `kill-${lane}-${count++}`;
      const answer = await post(
        nodes[(lane + turn) % nodes.length],
        `/v1/workspaces/${WS}/channels/eng/extensions`,
        root,
        {
          rule: { id, connector: 'github', actions: ['read'], resources: [`${WS}/${id}`] },
        },
      ).catch(() => undefined);
      if (answer?.status === 201 && answer.body.position)
        acknowledged.push({ id, position: answer.body.position });
    }
  };
  const lanes = [0, 1, 2, 3].map(writer);
  await sleep((seconds * 1000) / 2);
  await nodes[nodes.length - 1].kill();
  await sleep((seconds * 1000) / 2);
  running = false;
  await Promise.all(lanes);
  const store = await openPostgresEventStore({
    connectionString: cluster.databaseUrl,
    schemas: new EventSchemaRegistry(eventSchemas),
  });
  try {
    const head = await store.headPosition();
    const events = new Map(
      (await store.readAll({ fromPosition: 1, limit: head })).map((event) => [event.globalPosition, event]),
    );
    const lost = acknowledged.filter(
      ({ id, position }) => !JSON.stringify(events.get(position)?.data ?? null).includes(`"${id}"`),
    );
    return { lost: lost.length, acknowledged: acknowledged.length };
  } finally {
    await store.close();
  }
}

/**
 * Several API processes on one PostgreSQL (the apps' own entry point, as the several-nodes test runs
 * them): server CPU per check with 3 nodes over 1 (two cores cannot show the added throughput;
 * equal CPU per check shows nodes add capacity without coordinating), and the acknowledged writes
 * lost when one of 3 nodes is SIGKILLed while writes go to all of them.
 */
export async function severalNodesMetrics(context: BenchContext): Promise<Record<string, Metric>> {
  const server = await providePostgres({ log: context.log });
  const cluster = new NodeCluster({ serverUrl: server.url, env: { LOG_LEVEL: 'warn' } });
  try {
    await cluster.createDatabase();
    const nodes = [cluster.add('api'), cluster.add('api'), cluster.add('api')];
    // The first alone (it writes the keys every node shares), then the others.
    await nodes[0].start(120_000, WITHOUT_TEMPORAL);
    await Promise.all(nodes.slice(1).map((node) => node.start(120_000, WITHOUT_TEMPORAL)));
    const body = await setUp(cluster, nodes);
    const token = await cluster.token('gateway', 'service', ['permissions:check']);
    const perNode = context.quick ? 2_000 : 12_000;
    // Every node equally warm (JIT-compiled, connections open) before anything is counted.
    await checks(nodes, token, body, context.quick ? 2_000 : 10_000);
    const idleBefore = nodes.map((node) => cpuMsOf(node.pid!));
    await sleep(3_000);
    const idleMsPerSecond = nodes.map((node, index) => (cpuMsOf(node.pid!) - idleBefore[index]) / 3);
    context.log(`idle CPU per node: ${idleMsPerSecond.map((ms) => `${ms.toFixed(1)} ms/s`).join(', ')}`);
    // One node, then three, in turns on the same warm processes: the same machine state for both.
    const ones: number[] = [];
    const threes: number[] = [];
    for (let run = 0; run < context.runs; run++) {
      ones.push(await cpuPerCheck([nodes[0]], token, body, perNode));
      threes.push(await cpuPerCheck(nodes, token, body, perNode));
      context.log(
        `server CPU per check: 1 node ${ones[run].toFixed(1)} µs, 3 nodes ${threes[run].toFixed(1)} µs`,
      );
    }
    const one = median(ones);
    const three = median(threes);
    const kill = await lostAfterKill(cluster, nodes, context.quick ? 4 : 10);
    context.log(`node kill: ${kill.acknowledged} writes acknowledged, ${kill.lost} lost`);
    return {
      checks_cpu_us_per_node_1: metric(one, 'µs', null, 'lower'),
      checks_cpu_us_per_node_3: metric(three, 'µs', null, 'lower'),
      checks_cpu_us_per_node_3_vs_1: metric(three / one, 'ratio', 1.2, 'lower'),
      acknowledged_writes_during_node_kill: metric(kill.acknowledged, 'writes', null, 'higher'),
      lost_acknowledged_writes_after_node_kill: metric(kill.lost, 'writes', 0, 'lower'),
      api_idle_cpu_ms_per_s_per_node: metric(median(idleMsPerSecond), 'ms/s', null, 'lower'),
    };
  } finally {
    await cluster.stop();
    await server.stop();
  }
}
