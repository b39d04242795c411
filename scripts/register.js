// Runs the TypeScript sources directly: swc honours the tsconfig `paths` aliases and emits the
// legacy decorator metadata NestJS's dependency injection reads.
process.env.SWCRC = 'false';
process.env.TS_NODE_PROJECT = process.env.TS_NODE_PROJECT || require('path').join(__dirname, '..', 'tsconfig.json');
require('@swc-node/register');
