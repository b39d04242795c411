export * from './kill-switch.decisions';
export * from './kill-switch.events';
export * from './kill-switch.model';
