import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTsProcess, type TsProcess } from '@mandate/testing';

const execFileAsync = promisify(execFile);

/** Proxy variables a developer's shell may carry would send the clients elsewhere: cleared. */
export const clientEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  http_proxy: '',
  https_proxy: '',
  HTTP_PROXY: '',
  HTTPS_PROXY: '',
  no_proxy: '',
  NO_PROXY: '',
  ...extra,
});

export interface RunningGateway {
  process: TsProcess;
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** The gateway's own entry point in a child process, on the API's data directory and a free port. */
export async function startGatewayProcess(env: Record<string, string>): Promise<RunningGateway> {
  const child = startTsProcess(join(__dirname, '..', '..', 'apps', 'gateway', 'src', 'main.ts'), [], {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_PORT: '0',
    ...env,
  });
  const listening = (await child.waitFor(
    (message) => (message as { msg?: string }).msg === 'gateway listening',
  )) as { url: string };
  let stopped: Promise<void> | undefined;
  return {
    process: child,
    url: listening.url,
    port: Number(new URL(listening.url).port),
    stop: () =>
      (stopped ??= (async () => {
        if (child.child.exitCode === null) child.child.kill('SIGTERM');
        await child.closed;
      })()),
  };
}

/** curl's answer: the response status, the CONNECT status (000 when none), the body. */
export async function curl(args: string[]): Promise<{ status: string; connect: string; body: string }> {
  const output = await execFileAsync(
    'curl',
    ['-sS', '--max-time', '10', '-w', '\n%{http_code} %{http_connect}', ...args],
    { env: clientEnv() },
  ).then(
    ({ stdout }) => stdout,
    (error: { stdout?: string }) => error.stdout ?? '',
  );
  const lines = output.split('\n');
  const [status, connectStatus] = (lines.pop() ?? '').split(' ');
  return { status, connect: connectStatus, body: lines.join('\n') };
}

/** A raw CONNECT; resolves with the status line's code and the socket (open when 200). */
export async function rawConnect(
  gatewayPort: number,
  authority: string,
  authorization?: string,
): Promise<{ status: number; socket: Socket; head: string }> {
  const socket = connect(gatewayPort, '127.0.0.1');
  await once(socket, 'connect');
  const auth = authorization === undefined ? '' : `Proxy-Authorization: ${authorization}\r\n`;
  socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${auth}\r\n`);
  let received = '';
  while (!received.includes('\r\n\r\n')) {
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    received += chunk.toString('latin1');
  }
  socket.pause();
  return { status: Number(received.split(' ')[1]), socket, head: received };
}
