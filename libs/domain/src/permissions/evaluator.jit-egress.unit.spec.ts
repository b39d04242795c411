import { agentIdentityDecider } from '../agent-identity/agent-identity.decider';
import { channelDecider } from '../channel/channel.decider';
import type { ChannelEvent } from '../channel/channel.events';
import { createConnectorCatalog, validateConnectorDefinition } from '../connectors/connector-catalog';
import { parseEgressGrantEntry, parseEgressRequest } from '../egress/egress-grant';
import { type CanonicalHost, normalizeHost } from '../egress/host-normalizer';
import { workspaceDecider } from '../workspace/workspace.decider';
import type { WorkspaceEvent } from '../workspace/workspace.events';
import { compileWorkspace } from './compiled-identity';
import type { ActiveGrant } from './decision';
import { grantedEgressEntries } from './effective-egress';
import { checkEgress } from './evaluator';

const at = '2026-12-01T03:00:00.000Z';
const atMs = Date.parse(at);
const workspace = [{ type: 'WorkspaceCreated', data: { workspaceId: 'acme', name: 'Acme' } }].reduce(
  (state, event) => workspaceDecider.evolve(state, event as WorkspaceEvent),
  workspaceDecider.initialState(),
);
const agentIdentity = agentIdentityDecider
  .decide(
    {
      type: 'ApplyAgentIdentityDocument',
      document: { egress: [{ host: 'api.github.com', ports: [443] }] },
      catalog: createConnectorCatalog(),
      callerRoles: ['owner'],
      actor: { kind: 'user', id: 'alice' },
      now: at,
    },
    agentIdentityDecider.initialState(),
  )
  .reduce(agentIdentityDecider.evolve, agentIdentityDecider.initialState());
const channel = (channelId: string, egress?: object) =>
  (
    [
      {
        type: 'ChannelCreated',
        data: { channelId, workspaceId: 'acme', name: channelId, visibility: 'public' },
      },
      ...(egress === undefined ? [] : [{ type: 'ChannelEgressSet', data: { channelId, ...egress } }]),
    ] as ChannelEvent[]
  ).reduce(channelDecider.evolve, channelDecider.initialState());
const host = (text: string): CanonicalHost => {
  const parsed = normalizeHost(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.host;
};
const grant = (grantId: string, resources: string[], expiresAt: string, channelId = 'eng'): ActiveGrant => ({
  grantId,
  channelId,
  connector: 'egress',
  actions: ['connect'],
  resources,
  expiresAt,
});
const later = (seconds: number) => new Date(atMs + seconds * 1000).toISOString();

describe('checkEgress with JIT grants that add hosts', () => {
  // given eng with grant g1 adding pypi.org:443 and *.example.com:443 for 60 s, and a channel
  // `locked` refusing pypi.org with a grant for it all the same
  const compiled = compileWorkspace({
    workspace,
    agentIdentity,
    channels: [channel('eng'), channel('locked', { allow: [], deny: [{ host: 'pypi.org', ports: [443] }] })],
    grants: [
      grant('g1', ['pypi.org:443', '*.example.com:443'], later(60)),
      grant('g2', ['pypi.org:443'], later(60), 'locked'),
    ],
  });
  const check = (text: string, nowMs: number | undefined, channelId = 'eng', port = 443) =>
    checkEgress(compiled, { host: host(text), port, channelId, ...(nowMs === undefined ? {} : { nowMs }) });

  it('given a running grant, then its hosts are allowed naming the grant and its end, other ports and channels not', () => {
    expect(check('pypi.org', atMs)).toEqual({
      allowed: true,
      rule: 'grants/g1',
      grantId: 'g1',
      expiresAt: later(60),
      reason: `pypi.org:443 is allowed by JIT grant g1 (pypi.org) until ${later(60)}`,
    });
    expect(check('files.example.com', atMs)).toMatchObject({ allowed: true, rule: 'grants/g1' });
    expect(check('example.com', atMs)).toMatchObject({ allowed: false, rule: 'not-allowlisted' });
    expect(check('pypi.org', atMs, 'eng', 80)).toMatchObject({ allowed: false });
  });

  it('given expiresAt has passed (even before the grant is pruned), then the host is refused', () => {
    expect(check('pypi.org', atMs + 60_000)).toMatchObject({ allowed: false, rule: 'not-allowlisted' });
  });

  it('given no clock, then no grant allows (expiry cannot be compared)', () => {
    expect(check('pypi.org', undefined)).toMatchObject({ allowed: false });
  });

  it('given a revoked grant, then its hosts are refused at once', () => {
    const revoked = compileWorkspace({
      workspace,
      agentIdentity,
      channels: [channel('eng')],
      grants: [grant('g1', ['pypi.org:443'], later(60))],
    });
    revoked.revokeGrant('g1');
    expect(
      checkEgress(revoked, { host: host('pypi.org'), port: 443, channelId: 'eng', nowMs: atMs }).allowed,
    ).toBe(false);
  });

  it('given the channel refuses the host, then a grant does not lift the refusal', () => {
    expect(check('pypi.org', atMs, 'locked')).toMatchObject({
      allowed: false,
      rule: 'channel/locked/egress-deny/pypi.org',
    });
  });

  it('given grants, then the channel’s running egress grants are listed with provenance jit-grant', () => {
    const grants = [grant('g1', ['pypi.org:443'], later(60)), grant('g0', ['old.example:443'], later(-1))];
    expect(grantedEgressEntries(grants, 'eng', atMs)).toEqual([
      {
        host: 'pypi.org',
        ports: [443],
        source: 'jit-grant',
        rule: 'grants/g1',
        grantId: 'g1',
        expiresAt: later(60),
      },
    ]);
  });
});

describe('egress grant entries (host:port through the one normaliser)', () => {
  it.each([
    ['PyPI.org.:443', 'pypi.org:443'],
    ['*.Example.COM:8443', '*.example.com:8443'],
    ['10.0.0.1:443', '10.0.0.1:443'],
    ['[2001:DB8::1]:443', '[2001:db8::1]:443'],
  ])('given %s, then it is %s', (text, canonical) => {
    expect(parseEgressGrantEntry(text)).toMatchObject({ ok: true, text: canonical });
  });

  it.each([
    'pypi.org',
    'pypi.org:0',
    'pypi.org:65536',
    'pypi.org:44a',
    'evil.com/.example.com:443',
    '2001:db8::1:443',
    'localhost:443',
  ])('given %s, then it is malformed', (text) => {
    expect(parseEgressGrantEntry(text).ok).toBe(false);
  });

  it('given a request with a bad entry and a wrong action, then it is refused naming both, malformed-host first', () => {
    expect(() =>
      parseEgressRequest({ actions: ['read'], resources: ['pypi.org:443', 'a..b:443'] }, 'body'),
    ).toThrow(expect.objectContaining({ code: 'unknown-action' }));
    expect(() => parseEgressRequest({ actions: ['connect'], resources: ['a..b:443'] }, 'body')).toThrow(
      expect.objectContaining({
        code: 'malformed-host',
        issues: [expect.objectContaining({ path: 'body.resources[0]' })],
      }),
    );
    expect(
      parseEgressRequest({ actions: ['connect'], resources: ['PyPI.org:443', 'pypi.org:443'] }, 'body'),
    ).toEqual(['pypi.org:443']);
  });

  it('given a workspace registering a connector named egress, then it is refused as existing', () => {
    const issues = validateConnectorDefinition(
      {
        id: 'egress',
        displayName: 'Egress',
        actions: ['connect'],
        implies: {},
        resource: { description: 'x', example: 'x', segment: '[a-z]+', caseInsensitive: false },
      },
      createConnectorCatalog(),
    );
    expect(issues).toContainEqual(expect.objectContaining({ code: 'connector-exists' }));
  });
});
