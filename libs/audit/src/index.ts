export * from './index/audit-terms';
export * from './index/audit-index';
export * from './index/audit-index.follower';
