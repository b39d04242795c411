export * from './credential.decider';
export * from './credential.events';
export * from './credential-lease.decider';
export * from './credential-lease.events';
export * from './credential-lease.rules';
