export * from './credential.decider';
export * from './credential.events';
export * from './credential-lease.decider';
export * from './credential-lease.events';
export * from './credential-lease.rules';
export * from './credential-revocation.decider';
export * from './credential-revocation.events';
export * from './lease-narrowing.rules';
