export * from './temp-dir';
export * from './decider-spec';
export * from './ts-process';
