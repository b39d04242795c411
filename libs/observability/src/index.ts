export * from './logger';
export * from './metrics';
export * from './readiness';
export * from './redaction';
export * from './request-context';
export * from './nest-logger';
export * from './tracing';
export * from './http-tracing';
