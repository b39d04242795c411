export * from './pattern-index';
export * from './permission-rule';
export * from './resource-pattern';
export * from './compiled-identity';
export * from './decision';
export * from './evaluator';
export * from './effective-identity';
export * from './resource-normalizer';
