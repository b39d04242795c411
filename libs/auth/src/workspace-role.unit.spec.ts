import { holdsRole, workspaceRoles, type WorkspaceRole } from '@mandate/domain';

/** The role order `@RequireWorkspaceRole` applies (defined once, in the domain). */
describe('workspace role inclusion', () => {
  it.each<[WorkspaceRole, WorkspaceRole[]]>([
    ['owner', ['owner', 'admin', 'approver', 'auditor', 'member']],
    ['admin', ['admin', 'approver', 'member']],
    ['approver', ['approver', 'member']],
    ['auditor', ['auditor', 'member']],
    ['member', ['member']],
  ])('%s includes exactly %j', (held, included) => {
    for (const required of workspaceRoles) {
      expect([required, holdsRole([held], required)]).toEqual([required, included.includes(required)]);
    }
  });

  it('admits when any held role includes the required one', () => {
    expect(holdsRole(['member', 'auditor'], 'auditor')).toBe(true);
    expect(holdsRole(['auditor', 'approver'], 'admin')).toBe(false);
    expect(holdsRole([], 'member')).toBe(false);
  });
});
