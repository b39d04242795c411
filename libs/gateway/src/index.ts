export * from './egress-denial-log';
export * from './egress-policy';
export * from './proxy-request';
export * from './session-key';
export * from './session-token';
export * from './routes/route-table';
export * from './routes/github.routes';
export * from './credential-injection';
