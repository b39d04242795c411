import { normalizeHost, type CanonicalHost } from '../egress/host-normalizer';
import type { EgressEntry } from './effective-egress';
import { egressEntriesAllowing } from './egress-sources';

/**
 * Every standing source of an allow, not only the first: a gateway session keeps a host as long
 * as any of them allows it, so a source missed here ends a session early and one added wrongly
 * keeps a host open after its allow went away.
 */
const host = (text: string): CanonicalHost => {
  const parsed = normalizeHost(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.host;
};

const workspace: EgressEntry = { host: 'api.github.com', ports: [443], source: 'workspace' };
const bundle: EgressEntry = {
  host: '*.github.com',
  ports: [443, 8443],
  source: 'bundle',
  bundle: 'code-hosting',
  scope: 'workspace',
};
const channel: EgressEntry = { host: '*.githubusercontent.com', ports: [443], source: 'channel' };
const grant: EgressEntry = {
  host: 'api.github.com',
  ports: [8443],
  source: 'jit-grant',
  rule: 'grants/g1',
  grantId: 'g1',
  expiresAt: '2026-11-29T13:00:00.000Z',
};
const all = [workspace, bundle, channel, grant];

describe('egressEntriesAllowing: which standing entries allow host:port', () => {
  it('given an exact entry and a wildcard over the same host, when the host is asked, then both are named, in order', () => {
    expect(egressEntriesAllowing(all, host('api.github.com'), 443)).toEqual([workspace, bundle]);
  });

  it('given entries on other ports, when another port is asked, then only the entries listing it are named', () => {
    expect(egressEntriesAllowing(all, host('api.github.com'), 8443)).toEqual([bundle, grant]);
    expect(egressEntriesAllowing(all, host('api.github.com'), 80)).toEqual([]);
  });

  it('given a wildcard, when its apex is asked, then it does not allow it (subdomains only)', () => {
    expect(egressEntriesAllowing(all, host('githubusercontent.com'), 443)).toEqual([]);
    expect(egressEntriesAllowing(all, host('raw.githubusercontent.com'), 443)).toEqual([channel]);
  });

  it('given a host no entry names, then none allows it, however it ends', () => {
    expect(egressEntriesAllowing(all, host('github.com.evil.example'), 443)).toEqual([]);
    expect(egressEntriesAllowing(all, host('evilgithub.com'), 443)).toEqual([]);
  });

  it('given an entry the normaliser refuses, then it allows nothing and the others still do', () => {
    const stale: EgressEntry = { host: 'bad host', ports: [443], source: 'channel' };
    expect(egressEntriesAllowing([stale, workspace], host('api.github.com'), 443)).toEqual([workspace]);
  });
});
