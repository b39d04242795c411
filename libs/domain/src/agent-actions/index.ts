export * from './agent-action.commands';
export * from './agent-action.decider';
export * from './agent-action.events';
export * from './agent-action.model';
