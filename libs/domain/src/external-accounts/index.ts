export * from './external-account.model';
export * from './external-account.events';
export * from './external-account.decider';
