import { EffectivePermissionsProjection, projectedEventTypes } from '@mandate/projections';
import { AuditIndex } from '../index/audit-index';
import type { ReplayableProjection } from './log-replay';

export const REPLAYABLE_PROJECTIONS = ['effective-permissions', 'audit-index'] as const;
export type ReplayableProjectionName = (typeof REPLAYABLE_PROJECTIONS)[number];

export interface ReplayedEffectivePermissions extends ReplayableProjection {
  name: 'effective-permissions';
  projection: EffectivePermissionsProjection;
}

export interface ReplayedAuditIndex extends ReplayableProjection {
  name: 'audit-index';
  index: AuditIndex;
}

export type ReplayedProjection = ReplayedEffectivePermissions | ReplayedAuditIndex;

/** A fresh, empty projection to replay into. The audit index goes to `path` (default: in memory). */
export function emptyProjection(
  name: ReplayableProjectionName,
  options: { path?: string } = {},
): ReplayedProjection {
  if (name === 'effective-permissions') {
    const projection = new EffectivePermissionsProjection();
    return {
      name,
      projection,
      get position() {
        return projection.position;
      },
      applyPage: (events) => projection.applyPage(events),
      stateHash: () => projection.stateHash(),
      reads: (type) => projectedEventTypes.has(type),
    };
  }
  const index = AuditIndex.open(options.path ?? ':memory:');
  index.reset();
  return {
    name,
    index,
    get position() {
      return index.position;
    },
    applyPage: (events) => index.applyPage(events),
    stateHash: () => index.stateHash(),
  };
}
