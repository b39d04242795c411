import {
  checkResolvedAddresses,
  classifyAddress,
  parseAddressRange,
  parseAddressRanges,
} from './destination-address';

describe('classifyAddress: where a resolved address leads', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.10', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd00::1', 'uniqueLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['::ffff:10.1.2.3', 'private'],
    ['64:ff9b::a00:1', 'private'],
    ['64:ff9b::7f00:1', 'loopback'],
    // ipaddr.js reads the dotted form as IPv4-mapped; the compressed IPv4-compatible form is outside 2000::/3
    ['::127.0.0.1', 'loopback'],
    ['::7f00:1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['2002:7f00:1::1', '6to4'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['not-an-address', 'unparseable'],
  ])('given %s, then it is %s, not public', (address, range) => {
    expect(classifyAddress(address)).toBe(range);
  });

  it.each([
    '140.82.112.6',
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700::6810:84e5',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])('given %s, then it is public', (address) => {
    expect(classifyAddress(address)).toBe('public');
  });
});

describe('parseAddressRange: what an operator may permit', () => {
  it.each([
    ['127.0.0.0/8', '127.0.0.0', 8],
    ['10.1.2.3', '10.1.2.3', 32],
    [' ::1 ', '::1', 128],
    ['fd00::/8', 'fd00::', 8],
  ])('given %j, then it is that network and prefix', (text, network, bits) => {
    const range = parseAddressRange(text);

    expect(range?.[0].toString()).toBe(network);
    expect(range?.[1]).toBe(bits);
  });

  it.each(['127.1', '0x7f.0.0.1', '10.0.0.0/33', '::1/129', '10.0.0.0/8/8', 'localhost', '', '10.0.0.0/x'])(
    'given %j, then it is refused',
    (text) => {
      expect(parseAddressRange(text)).toBeUndefined();
    },
  );

  it('given a list with one malformed entry, then that entry is named', () => {
    expect(parseAddressRanges(['10.0.0.0/8', 'intranet'])).toEqual({ ok: false, entry: 'intranet' });
  });
});

describe('checkResolvedAddresses: may a name be dialled', () => {
  const permitted = (...list: string[]) => {
    const parsed = parseAddressRanges(list);
    if (!parsed.ok) throw new Error(parsed.entry);
    return parsed.ranges;
  };

  it('given only public addresses, then it may', () => {
    expect(checkResolvedAddresses(['140.82.112.6', '2606:4700::6810:84e5'], [])).toEqual({ ok: true });
  });

  it('given one internal address among public ones, then it may not, and the address is named', () => {
    expect(checkResolvedAddresses(['140.82.112.6', '169.254.169.254'], [])).toEqual({
      ok: false,
      address: '169.254.169.254',
      range: 'linkLocal',
    });
  });

  it('given loopback and nothing permitted, then it may not; given 127.0.0.0/8 and ::1 permitted, then it may', () => {
    expect(checkResolvedAddresses(['127.0.0.1', '::1'], [])).toMatchObject({ ok: false, range: 'loopback' });
    expect(checkResolvedAddresses(['127.0.0.1', '::1'], permitted('127.0.0.0/8', '::1'))).toEqual({
      ok: true,
    });
  });

  it('given an IPv4-mapped address, then a permitted IPv4 range covers it and an unrelated one does not', () => {
    expect(checkResolvedAddresses(['::ffff:10.0.0.7'], permitted('10.0.0.0/24'))).toEqual({ ok: true });
    expect(checkResolvedAddresses(['::ffff:10.0.1.7'], permitted('10.0.0.0/24'))).toMatchObject({
      ok: false,
      range: 'private',
    });
  });
});
