export * from './index/audit-terms';
export * from './index/audit-index';
export * from './index/audit-index.follower';
export * from './export/export-records';
export * from './export/export-codec';
export * from './export/export-writer';
export * from './export/export-verifier';
