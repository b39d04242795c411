export * from './egress.events';
export * from './host-normalizer';
export * from './denial-aggregator';
export * from './egress-grant';
