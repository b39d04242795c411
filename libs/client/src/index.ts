export * from './api-client';
export * from './decision-cache';
export * from './permission-change';
export * from './permissions-client';
export * from './watch-stream';
