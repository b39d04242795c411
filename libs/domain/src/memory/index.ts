export * from './memory-update.decider';
export * from './memory-update.events';
export * from './memory-update.model';
