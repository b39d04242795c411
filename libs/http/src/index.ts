export * from './problem';
export * from './problem.filter';
export * from './to-problem';
export * from './zod-openapi';
export * from './zod.decorators';
export * from './paging';
export * from './ordered-paging';
export * from './query-flag';
