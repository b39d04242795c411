export * from './credential.decider';
export * from './credential.events';
