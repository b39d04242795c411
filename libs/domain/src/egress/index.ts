export * from './egress.events';
