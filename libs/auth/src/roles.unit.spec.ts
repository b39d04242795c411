import { hasRole, ROLES, type Role } from './roles';

describe('workspace roles', () => {
  it.each<[Role, Role[]]>([
    ['owner', ['owner', 'admin', 'approver', 'auditor', 'member']],
    ['admin', ['admin', 'approver', 'auditor', 'member']],
    ['approver', ['approver', 'member']],
    ['auditor', ['auditor', 'member']],
    ['member', ['member']],
  ])('%s includes exactly %j', (held, included) => {
    for (const required of ROLES) {
      expect([required, hasRole([held], required)]).toEqual([required, included.includes(required)]);
    }
  });

  it('admits when any held role includes the required one', () => {
    expect(hasRole(['member', 'auditor'], 'auditor')).toBe(true);
    expect(hasRole(['auditor', 'approver'], 'admin')).toBe(false);
    expect(hasRole([], 'member')).toBe(false);
  });
});
