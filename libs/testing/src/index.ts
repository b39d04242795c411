export * from './temp-dir';
export * from './decider-spec';
export * from './ts-process';
export * from './static-role-resolver';
export * from './temporal-namespace';
export * from './test-certificate-authority';
export * from './github-stand-in';
export * from './postgres-test-schema';
