export * from './agent-identity.commands';
export * from './agent-identity.decider';
export * from './agent-identity.diff';
export * from './agent-identity.document';
export * from './agent-identity.events';
export * from './agent-identity.state';
export * from './connection-narrowing';
