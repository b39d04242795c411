import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

describe('the Temporal SDK’s metrics over OTLP (a worker runtime in a process of its own)', () => {
  let server: Server;
  let child: ChildProcess | undefined;
  const received: { path: string; type: string; authorization?: string; body: Buffer }[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({
          path: request.url ?? '',
          type: String(request.headers['content-type']),
          authorization: request.headers.authorization,
          body: Buffer.concat(chunks),
        });
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await new Promise((resolve) => server.close(resolve));
  });

  it('given OTEL_EXPORTER_OTLP_ENDPOINT and _HEADERS, when an activity counts a revocation failure on the SDK’s meter, then the collector receives it at <endpoint>/v1/metrics with those headers', async () => {
    // given a collector, and a runtime installed with the endpoint's telemetry options
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    child = spawn(
      join(root, 'node_modules', '.bin', 'node'),
      ['-r', './scripts/register.js', join(__dirname, 'temporal-sdk-metrics.child.ts'), endpoint],
      {
        cwd: root,
        stdio: 'ignore',
        env: { ...process.env, OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20collector-token' },
      },
    );

    // when the counter is recorded, then an export names it
    const metricName = Buffer.from('mandate_credential_revocation_failures');
    const deadline = Date.now() + 15_000;
    while (!received.some(({ body }) => body.includes(metricName)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const exported = received.find(({ body }) => body.includes(metricName));
    expect(exported).toMatchObject({
      path: '/v1/metrics',
      type: expect.stringContaining('protobuf'),
      authorization: 'Bearer collector-token',
    });
    expect(exported?.body.includes(Buffer.from('acme'))).toBe(true);
  }, 30_000);
});
