import ipaddr from 'ipaddr.js';

/**
 * Where a name the allowlist allows may lead. An allowed name is only as trustworthy as its DNS: if
 * `*.example.com` is allowed and `evil.example.com` resolves (or later re-resolves) to 127.0.0.1,
 * 169.254.169.254 or 10.0.0.5, the gateway would dial an internal address for the agent. So every
 * address a name resolves to must be public, or inside a range the operator permits
 * (`GATEWAY_ALLOW_PRIVATE_DESTINATIONS`). An IP literal the allowlist names is the admin's own choice
 * and is not classified here.
 */

/** A range of addresses: an IPv4 or IPv6 network and its prefix length. */
export type AddressRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** `public`, or the name of the special-purpose range the address is in (`loopback`, `private`, …). */
export type AddressClass = 'public' | string;

/** Only 2000::/3 is allocated for global unicast; anything outside it is not a public destination. */
const GLOBAL_UNICAST: AddressRange = [ipaddr.IPv6.parse('2000::'), 3];
/** NAT64's well-known prefix (RFC 6052): the IPv4 address it embeds is the real destination. */
const NAT64: AddressRange = [ipaddr.IPv6.parse('64:ff9b::'), 96];

function classifyIpv4(address: ipaddr.IPv4): AddressClass {
  const range = address.range();
  return range === 'unicast' ? 'public' : range;
}

/**
 * The class of an address as `dns.lookup` returns it: IPv4 special ranges (loopback, RFC 1918
 * `private`, `linkLocal` with cloud metadata at 169.254.169.254, `carrierGradeNat`, `unspecified`,
 * `multicast`, `broadcast`, `reserved`…), IPv6 ones (`loopback`, `uniqueLocal` fc00::/7,
 * `linkLocal`, `multicast`, 6to4, Teredo…, and anything outside 2000::/3), ipaddr.js's tables. An
 * IPv4-mapped IPv6 address (::ffff:127.0.0.1) and a NAT64 one (64:ff9b::a00:1) are classified by
 * the IPv4 address they carry. Text that is not an address is `unparseable`, never public.
 */
export function classifyAddress(text: string): AddressClass {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.process(text);
  } catch {
    return 'unparseable';
  }
  if (address.kind() === 'ipv4') return classifyIpv4(address as ipaddr.IPv4);
  const v6 = address as ipaddr.IPv6;
  if (v6.match(NAT64)) return classifyIpv4(new ipaddr.IPv4(v6.toByteArray().slice(12)));
  const range = v6.range();
  if (range !== 'unicast') return range;
  return v6.match(GLOBAL_UNICAST) ? 'public' : 'reserved';
}

const IPV4_TEXT = /^[0-9]{1,3}(\.[0-9]{1,3}){3}$/;

/**
 * One operator-permitted range: `a.b.c.d/n`, `v6/n`, or one address (a /32 or /128). IPv4 in
 * dotted-quad decimals only (ipaddr.js would read `127.1` or hex too). Undefined when malformed.
 */
export function parseAddressRange(text: string): AddressRange | undefined {
  const [addressText, prefixText, extra] = text.trim().split('/');
  if (extra !== undefined || addressText === undefined) return undefined;
  const isV4 = IPV4_TEXT.test(addressText);
  if (!isV4 && !ipaddr.IPv6.isValid(addressText)) return undefined;
  if (isV4 && !ipaddr.IPv4.isValidFourPartDecimal(addressText)) return undefined;
  const address = isV4 ? ipaddr.IPv4.parse(addressText) : ipaddr.IPv6.parse(addressText);
  const max = isV4 ? 32 : 128;
  if (prefixText === undefined) return [address, max];
  if (!/^[0-9]{1,3}$/.test(prefixText) || Number(prefixText) > max) return undefined;
  return [address, Number(prefixText)];
}

/** The comma-separated list as configured: every entry a range, or the first malformed one. */
export function parseAddressRanges(
  list: readonly string[],
): { ok: true; ranges: AddressRange[] } | { ok: false; entry: string } {
  const ranges: AddressRange[] = [];
  for (const entry of list) {
    const range = parseAddressRange(entry);
    if (range === undefined) return { ok: false, entry };
    ranges.push(range);
  }
  return { ok: true, ranges };
}

function withinAny(text: string, ranges: readonly AddressRange[]): boolean {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.process(text);
  } catch {
    return false;
  }
  return ranges.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
}

export type DestinationVerdict = { ok: true } | { ok: false; address: string; range: string };

/**
 * May a name resolving to `addresses` be dialled? Only if every one of them is public or inside a
 * permitted range: one internal address among public ones is refused too, since the dialler (or a
 * retry) may pick it. An IPv4-mapped address is matched against permitted ranges as its IPv4.
 */
export function checkResolvedAddresses(
  addresses: readonly string[],
  permitted: readonly AddressRange[],
): DestinationVerdict {
  for (const address of addresses) {
    const range = classifyAddress(address);
    if (range !== 'public' && !withinAny(address, permitted)) return { ok: false, address, range };
  }
  return { ok: true };
}
