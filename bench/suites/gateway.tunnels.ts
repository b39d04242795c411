import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { inTurns, measure, type Paired } from '../limit-baseline';
import { cpuMsOf } from '../process-cpu';
import type { GatewayStack, RunningGateway } from './gateway.stack';

const sinceMs = (start: number) => performance.now() - start;

/** Connects to `port`; through a proxy when `authority` is given (CONNECT, resolves once its status is read). */
async function open(
  port: number,
  authority?: string,
  token?: string,
): Promise<{ socket: Socket; head: Buffer; status: number }> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => socket.destroy());
  await once(socket, 'connect');
  if (authority === undefined) return { socket, head: Buffer.alloc(0), status: 200 };
  socket.write(
    `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\nProxy-Authorization: Bearer ${token}\r\n\r\n`,
  );
  let received = Buffer.alloc(0);
  while (!received.includes('\r\n\r\n')) {
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    received = Buffer.concat([received, chunk]);
  }
  const end = received.indexOf('\r\n\r\n') + 4;
  const status = Number(received.subarray(0, end).toString('latin1').split(' ')[1]);
  socket.pause();
  return { socket, head: received.subarray(end), status };
}

/** A tunnel to the source through `via` (or, without one, a direct connection to it), refused unless it opened. */
async function openSource(stack: GatewayStack, via: RunningGateway | undefined) {
  const opened =
    via === undefined
      ? await open(stack.sourcePort)
      : await open(via.port, `127.0.0.1:${stack.sourcePort}`, stack.token);
  if (opened.status !== 200) throw new Error(`CONNECT to the source: ${opened.status}`);
  return opened;
}

/** Sequential tunnel (or direct TCP) set-ups: from the TCP connect to the `200` (or the connect). */
export async function setups(
  stack: GatewayStack,
  count: number,
  via: RunningGateway | undefined,
): Promise<number[]> {
  const latencies: number[] = [];
  for (let index = 0; index < count; index++) {
    const start = performance.now();
    const { socket } = await openSource(stack, via);
    latencies.push(sinceMs(start));
    socket.destroy();
  }
  return latencies;
}

/** One download of the source's whole stream, directly or through a CONNECT tunnel: MB and seconds. */
async function download(
  stack: GatewayStack,
  via: RunningGateway | undefined,
): Promise<{ operations: number; seconds: number }> {
  const { socket, head } = await openSource(stack, via);
  let bytes = head.length;
  const start = performance.now();
  socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
  socket.resume();
  socket.write('go');
  await once(socket, 'close');
  return { operations: bytes / 1e6, seconds: sinceMs(start) / 1000 };
}

/**
 * A download through `via`'s tunnel, its CPU counted (it reads each chunk from one socket and
 * writes it to another), in turns with the same download straight from the source, this process's
 * CPU counted (the source's write and the reader's read: the copy without the hop).
 */
export const tunnelBesideDirect = (
  stack: GatewayStack,
  via: RunningGateway,
  trial: number,
): Promise<Paired> =>
  inTurns(
    trial,
    () =>
      measure(
        () => download(stack, via),
        () => cpuMsOf(via.process.child.pid ?? 0) * 1000,
      ),
    () => measure(() => download(stack, undefined)),
  );

/**
 * Resolves once every process in `pids` has spent under 4 % of a core over a quarter of a second
 * (or after `maxMs`): work left by what came before then falls on no measured download.
 */
export async function settled(pids: number[], maxMs = 5000): Promise<void> {
  const quarter = 250;
  const deadline = performance.now() + maxMs;
  while (performance.now() < deadline) {
    const before = pids.map(cpuMsOf);
    await new Promise((resolve) => setTimeout(resolve, quarter));
    if (pids.every((pid, index) => cpuMsOf(pid) - before[index] < quarter * 0.04)) return;
  }
}

/** `count` CONNECTs to an unlisted host, 50 at a time: every one must be refused. */
export async function deniedBurst(stack: GatewayStack, host: string, count: number): Promise<void> {
  let left = count;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (left-- > 0) {
        const { socket, status } = await open(stack.gateway.port, `${host}:443`, stack.token);
        socket.destroy();
        if (status !== 403) throw new Error(`CONNECT ${host}: ${status}, expected 403`);
      }
    }),
  );
}
