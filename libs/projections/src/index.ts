export * from './effective-permissions/effective-permissions.projection';
export * from './effective-permissions/permissions-history';
export * from './effective-permissions/projection-runner';
export * from './effective-permissions/snapshot-file';
export * from './effective-permissions/workspace-permissions';
export * from './effective-permissions/membership-index';
