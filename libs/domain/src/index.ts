export * from './shared';
export * from './common';
export * from './connectors';
export * from './permissions';
export * from './workspace';
export * from './agent-identity';
export * from './channel';
