import { once } from 'node:events';
import { createServer, get } from 'node:http';
import { type AddressInfo, connect, createServer as createTcpServer } from 'node:net';
import { parseAddressRange } from '@mandate/gateway';
import {
  checkedLookup,
  DestinationResolver,
  pinnedLookup,
  PrivateDestinationError,
} from './destination-resolver';

/** A zone that answers a public address first and loopback after: a rebinding name. */
function rebindingZone() {
  const asked: string[] = [];
  const resolveAll = async (name: string) => {
    asked.push(name);
    return [{ address: asked.length === 1 ? '127.0.0.1' : '169.254.169.254', family: 4 }];
  };
  return { asked, resolveAll };
}

describe('DestinationResolver and the pinned dial', () => {
  it('given a name resolved and checked once, when the socket connects by that name, then it goes to the checked address without a second lookup', async () => {
    const server = createTcpServer((socket) => socket.end('pinned'));
    await once(server.listen(0, '127.0.0.1'), 'listening');
    const { asked, resolveAll } = rebindingZone();
    const resolver = new DestinationResolver([parseAddressRange('127.0.0.0/8')!], resolveAll);

    const destination = await resolver.resolve({ kind: 'name', text: 'rebind.example.test' });
    expect(destination).toMatchObject({ ok: true, addresses: [{ address: '127.0.0.1', family: 4 }] });
    const socket = connect({
      host: 'rebind.example.test',
      port: (server.address() as AddressInfo).port,
      lookup: pinnedLookup(destination.ok ? destination.addresses : []),
    });
    const [data] = (await once(socket, 'data')) as [Buffer];

    expect(data.toString()).toBe('pinned');
    expect(asked).toEqual(['rebind.example.test']);
    socket.destroy();
    server.close();
  });

  it('given an HTTP client with the checked lookup, when the name resolves to a private address, then the request fails with PrivateDestinationError before anything is sent', async () => {
    let reached = false;
    const server = createServer((_req, res) => ((reached = true), res.end()));
    await once(server.listen(0, '127.0.0.1'), 'listening');
    const resolver = new DestinationResolver([], rebindingZone().resolveAll);

    const request = get({
      host: 'rebind.example.test',
      port: (server.address() as AddressInfo).port,
      lookup: checkedLookup(resolver),
    });
    const [error] = (await once(request, 'error')) as [Error];

    expect(error).toBeInstanceOf(PrivateDestinationError);
    expect(error.message).toBe('rebind.example.test resolves to 127.0.0.1 (loopback), a private destination');
    expect(reached).toBe(false);
    server.close();
  });
});
