import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { type AddressRange, checkResolvedAddresses, dialHost } from '@mandate/gateway';
import type { CanonicalHost } from '@mandate/domain';

/** Every address of a name, as `dns.lookup(name, { all: true })` answers (the OS resolver, /etc/hosts). */
export type ResolveAll = (name: string) => Promise<LookupAddress[]>;

const systemResolveAll: ResolveAll = (name) =>
  new Promise((resolve, reject) =>
    dnsLookup(name, { all: true, order: 'verbatim' }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

/** Where to dial, already checked; or why not. */
export type Destination =
  | { ok: true; addresses: LookupAddress[] }
  | { ok: false; kind: 'private'; address: string; range: string }
  | { ok: false; kind: 'unresolvable'; error: unknown };

/**
 * Resolves a host once per connection and checks what it resolved to (destination-address.ts):
 * a name whose addresses are not all public, or inside a range the operator permits
 * (`GATEWAY_ALLOW_PRIVATE_DESTINATIONS`), is refused. An IP literal is dialled as named: the
 * allowlist entry (or the admin's upstream URL) that allowed it names that very address. The
 * addresses returned are the only ones the connection may use: `pinnedLookup` hands them to the
 * socket, so no second resolution (a DNS rebinding) can send it elsewhere.
 */
export class DestinationResolver {
  constructor(
    private readonly permitted: readonly AddressRange[],
    private readonly resolveAll: ResolveAll = systemResolveAll,
  ) {}

  async resolve(host: CanonicalHost): Promise<Destination> {
    if (host.kind !== 'name') {
      return { ok: true, addresses: [{ address: dialHost(host), family: host.kind === 'ipv4' ? 4 : 6 }] };
    }
    return this.resolveName(host.text);
  }

  /** A name's addresses, all of them checked. */
  async resolveName(name: string): Promise<Destination> {
    let addresses: LookupAddress[];
    try {
      addresses = await this.resolveAll(name);
    } catch (error) {
      return { ok: false, kind: 'unresolvable', error };
    }
    if (addresses.length === 0) return { ok: false, kind: 'unresolvable', error: new Error('no address') };
    const verdict = checkResolvedAddresses(
      addresses.map((one) => one.address),
      this.permitted,
    );
    if (verdict.ok) return { ok: true, addresses };
    return { ok: false, kind: 'private', address: verdict.address, range: verdict.range };
  }
}

/**
 * A `lookup` for `net.connect`/`http.request` that answers with the addresses already checked,
 * never asking DNS again: the socket keeps the name (SNI, certificate check, `Host`) and connects
 * to one of these (all of them to Happy Eyeballs when it asks for all).
 */
export function pinnedLookup(addresses: readonly LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const asked = options.family;
    const family = asked === 4 || asked === 'IPv4' ? 4 : asked === 6 || asked === 'IPv6' ? 6 : undefined;
    const usable = addresses.filter((one) => family === undefined || one.family === family);
    if (usable.length === 0) {
      const error = Object.assign(new Error('no checked address of that family'), { code: 'ENOTFOUND' });
      return callback(error, '', 0);
    }
    if (options.all) return (callback as (e: null, all: LookupAddress[]) => void)(null, usable);
    callback(null, usable[0].address, usable[0].family);
  };
}

/** A name resolving to an address that is neither public nor permitted: never dialled. */
export class PrivateDestinationError extends Error {
  readonly code = 'EPRIVATEDESTINATION';

  constructor(name: string, address: string, range: string) {
    super(`${name} resolves to ${address} (${range}), a private destination`);
  }
}

/**
 * A `lookup` that resolves and checks in one step, for a client that opens sockets itself (an HTTP
 * agent keeping connections alive): a new socket goes only to addresses just checked, a private one
 * fails with `PrivateDestinationError`, and a reused socket costs no lookup. An IP literal never
 * reaches a `lookup`: Node dials it as named.
 */
export function checkedLookup(resolver: DestinationResolver): LookupFunction {
  return (hostname, options, callback) => {
    void resolver.resolveName(hostname).then((destination) => {
      if (destination.ok) return pinnedLookup(destination.addresses)(hostname, options, callback);
      const error =
        destination.kind === 'private'
          ? new PrivateDestinationError(hostname, destination.address, destination.range)
          : (destination.error as Error);
      callback(error as NodeJS.ErrnoException, '', 0);
    });
  };
}
