import { createServer } from 'node:http';
import { connect, type Socket } from 'node:net';
import { Agent } from 'undici';

/**
 * A proxy with no logic, the gateway suite's physical baseline for what a Node process between the
 * agent and its upstream costs at all on this machine: no session, no decision, no credential
 * lookup, no record. `/connectors/<id>/<path>` goes to `BARE_PROXY_UPSTREAM/<path>` through
 * undici's kept-alive TLS pool (as the gateway's `UpstreamClient`), a constant `authorization`
 * header added, the answer read whole and relayed (as the gateway does, to redact); a `CONNECT`
 * is piped both ways once the far end connects. A benchmark fixture only: it must never listen
 * anywhere but loopback.
 */
const upstream = new URL(process.env.BARE_PROXY_UPSTREAM ?? '');
const agent = new Agent({ allowH2: false });
const CONNECTOR_PREFIX = /^\/connectors\/[^/]+/;

const server = createServer((req, res) => {
  const path = (req.url ?? '/').replace(CONNECTOR_PREFIX, '');
  agent
    .request({
      origin: upstream.origin,
      method: 'GET',
      path,
      headers: { host: upstream.host, authorization: 'Bearer bare-proxy' },
    })
    .then(async (answer) => {
      const chunks: Buffer[] = [];
      for await (const chunk of answer.body as AsyncIterable<Buffer>) chunks.push(chunk);
      const body = Buffer.concat(chunks);
      res
        .writeHead(answer.statusCode, {
          'content-type': String(answer.headers['content-type']),
          'content-length': String(body.length),
        })
        .end(body);
    })
    .catch(() => res.writeHead(502).end());
});

server.on('connect', (req, client: Socket, head: Buffer) => {
  const authority = req.url ?? '';
  const colon = authority.lastIndexOf(':');
  client.on('error', () => client.destroy());
  const far = connect(Number(authority.slice(colon + 1)), authority.slice(0, colon), () => {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) far.write(head);
    far.pipe(client);
    client.pipe(far);
  });
  far.on('error', () => client.destroy());
  client.on('close', () => far.destroy());
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  // The line the bench stack waits for, as it waits for the gateway's.
  console.log(JSON.stringify({ msg: 'gateway listening', url: `http://127.0.0.1:${port}` }));
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => void agent.close().then(() => process.exit(0)));
});
