export * from './command';
export * from './identifiers';
export * from './invoke-policy';
export * from './workspace-role';
export * from './duration';
