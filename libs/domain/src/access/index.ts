export * from './approval-policy.model';
export * from './approval-policy.events';
export * from './access-request.events';
