export * from './builtin-connectors';
export * from './connector-catalog';
export * from './connector-definition';
