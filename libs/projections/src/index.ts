export * from './effective-permissions/effective-permissions.projection';
export * from './effective-permissions/permissions-history';
export * from './runner/read-model';
export * from './runner/projection-runner';
export * from './access-requests/access-requests.read-model';
export * from './effective-permissions/snapshot-file';
export * from './effective-permissions/workspace-permissions';
export * from './effective-permissions/membership-index';
