export * from './decider';
export * from './domain-error';
export * from './event-schema';
export * from './validation';
export * from './event-map';
export * from './same-value';
export * from './own-value';
export * from './linear-pattern';
