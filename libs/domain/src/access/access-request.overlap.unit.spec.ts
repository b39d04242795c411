import type { ActiveGrant } from '../permissions/decision';
import { at, t1 } from './access-request.builders';
import { type AskedAccess, grantExtendedBy } from './access-request.rules';

/**
 * A request for access an active grant already gives extends that grant instead of opening a
 * second one — but only when the grant gives all of it: a request asking for what the grant gives
 * plus anything more needs its own approval (`access-request.rules.unit.spec.ts` covers another
 * channel, connector, and expiry).
 */

const grant: ActiveGrant = {
  grantId: 'req-1',
  channelId: 'eng',
  connector: 'github',
  actions: ['read', 'write'],
  resources: ['acme/api', 'acme/web'],
  expiresAt: at(t1, 3600),
};
const now = Date.parse(t1);
const asked = (overrides: Partial<AskedAccess> = {}): AskedAccess => ({
  channelId: 'eng',
  connector: 'github',
  actions: ['write'],
  resources: ['acme/api'],
  ...overrides,
});

describe('access request: when a request extends an active grant', () => {
  it('extends the grant that covers every action and every resource asked', () => {
    expect(grantExtendedBy([grant], asked(), now)).toBe(grant);
    expect(
      grantExtendedBy(
        [grant],
        asked({ actions: ['read', 'write'], resources: ['acme/web', 'acme/api'] }),
        now,
      ),
    ).toBe(grant);
  });

  it.each<[string, Partial<AskedAccess>]>([
    ['one action more', { actions: ['write', 'admin'] }],
    ['one resource more', { resources: ['acme/api', 'acme/infra'] }],
  ])('opens a request of its own for %s than the grant gives', (_, overrides) => {
    expect(grantExtendedBy([grant], asked(overrides), now)).toBeUndefined();
  });

  it('finds the covering grant among others', () => {
    const other = { ...grant, grantId: 'req-0', connector: 'jira' };
    expect(grantExtendedBy([other, grant], asked(), now)).toBe(grant);
  });
});
