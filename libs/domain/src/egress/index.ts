export * from './egress.events';
export * from './host-normalizer';
