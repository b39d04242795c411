export * from './temp-dir';
