export * from './approval-policy.model';
export * from './approval-policy.events';
export * from './approval-policy.resolve';
export * from './approval-policy.decider';
export * from './access-request.events';
export * from './access-request.commands';
export * from './access-request.state';
export * from './access-request.decider';
