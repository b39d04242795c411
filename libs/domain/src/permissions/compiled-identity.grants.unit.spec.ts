import { agentIdentityDecider } from '../agent-identity/agent-identity.decider';
import { channelDecider } from '../channel/channel.decider';
import type { ChannelEvent } from '../channel/channel.events';
import { workspaceDecider } from '../workspace/workspace.decider';
import type { WorkspaceEvent } from '../workspace/workspace.events';
import { compileWorkspace } from './compiled-identity';
import type { ActiveGrant } from './decision';
import { evaluate } from './evaluator';

/**
 * JIT grants enter and leave the compiled workspace one at a time, as the projection sees them.
 * A grant must allow exactly what it names while it lasts, and nothing once revoked — whatever
 * else it carries (an action the connector lacks, a pattern that does not parse, a second copy).
 */

const T = Date.parse('2026-11-29T12:00:00.000Z');
const inMinutes = (minutes: number) => new Date(T + minutes * 60_000).toISOString();

const workspace = (
  [{ type: 'WorkspaceCreated', data: { workspaceId: 'acme', name: 'Acme' } }] as WorkspaceEvent[]
).reduce(workspaceDecider.evolve, workspaceDecider.initialState());
const channel = (
  [
    {
      type: 'ChannelCreated',
      data: { channelId: 'eng', workspaceId: 'acme', name: 'eng', visibility: 'public' },
    },
  ] as ChannelEvent[]
).reduce(channelDecider.evolve, channelDecider.initialState());

const fresh = () =>
  compileWorkspace({ workspace, agentIdentity: agentIdentityDecider.initialState(), channels: [channel] });

const grant = (grantId: string, overrides: Partial<ActiveGrant> = {}): ActiveGrant => ({
  grantId,
  channelId: 'eng',
  connector: 'github',
  actions: ['write'],
  resources: ['acme/api'],
  expiresAt: inMinutes(60),
  ...overrides,
});

const check = (
  compiled: ReturnType<typeof fresh>,
  minutes: number,
  action = 'write',
  resource = 'acme/api',
) => evaluate(compiled, { channelId: 'eng', connector: 'github', action, resource }, T + minutes * 60_000);

describe('compiled workspace: JIT grants in and out', () => {
  it('allows the valid part of a grant that also names an action the connector does not have', () => {
    const compiled = fresh();
    compiled.addGrant(grant('g1', { actions: ['write', 'teleport'] }));
    expect(check(compiled, 0).provenance).toMatchObject({ layer: 'jit', grantId: 'g1' });
    expect(check(compiled, 0, 'teleport')).toMatchObject({
      allowed: false,
      provenance: { layer: 'default' },
    });
  });

  it('skips a resource pattern that does not parse and keeps the grant’s other resources', () => {
    const compiled = fresh();
    compiled.addGrant(grant('g1', { resources: ['acme//api', 'acme/web'] }));
    expect(check(compiled, 0, 'write', 'acme/web').provenance).toMatchObject({ layer: 'jit', grantId: 'g1' });
    expect(check(compiled, 0, 'write', 'acme/api').allowed).toBe(false);
  });

  it('allows nothing for a grant whose expiry cannot be read', () => {
    const compiled = fresh();
    compiled.addGrant(grant('g1', { expiresAt: 'next tuesday' }));
    expect(check(compiled, 0).allowed).toBe(false);
    expect(compiled.activeGrants()).toEqual([]);
  });

  it('answers with the other grant when one of two on a resource is revoked, and denies once both are', () => {
    const compiled = fresh();
    compiled.addGrant(grant('g1', { expiresAt: inMinutes(60) }));
    compiled.addGrant(grant('g2', { expiresAt: inMinutes(120) }));
    expect(check(compiled, 0).provenance.grantId).toBe('g2');
    compiled.revokeGrant('g2');
    expect(check(compiled, 0).provenance.grantId).toBe('g1');
    compiled.revokeGrant('g1');
    expect(check(compiled, 0)).toMatchObject({ allowed: false, provenance: { layer: 'default' } });
    // Revoking again, or a grant never added, changes nothing
    compiled.revokeGrant('g1');
    compiled.revokeGrant('never-added');
    expect(check(compiled, 0).allowed).toBe(false);
  });

  it('replaces a grant added again (an extension): one revocation then ends it entirely', () => {
    const compiled = fresh();
    compiled.addGrant(grant('g1', { expiresAt: inMinutes(60) }));
    compiled.addGrant(grant('g1', { expiresAt: inMinutes(120) }));
    expect(check(compiled, 90).provenance).toMatchObject({ grantId: 'g1', expiresAt: inMinutes(120) });
    expect(compiled.activeGrants()).toHaveLength(1);
    compiled.revokeGrant('g1');
    expect(check(compiled, 30).allowed).toBe(false);
  });

  it('stops allowing exactly at expiry, and prunes only grants expired by then', () => {
    const compiled = fresh();
    compiled.addGrant(grant('g1', { expiresAt: inMinutes(60) }));
    compiled.addGrant(grant('g2', { resources: ['acme/web'], expiresAt: inMinutes(61) }));
    expect(check(compiled, 59.99).allowed).toBe(true);
    expect(check(compiled, 60).allowed).toBe(false);
    expect(compiled.pruneExpired(T + 60 * 60_000)).toBe(1);
    expect(compiled.activeGrants().map((g) => g.grantId)).toEqual(['g2']);
  });
});
