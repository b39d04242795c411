// Runs the TypeScript sources directly: swc honours the tsconfig `paths` aliases and emits the
// legacy decorator metadata NestJS's dependency injection reads.
// swc-node treats any non-empty SWCRC (even "false") as "read .swcrc"; unset, it compiles from tsconfig.
delete process.env.SWCRC;
process.env.TS_NODE_PROJECT =
  process.env.TS_NODE_PROJECT || require('path').join(__dirname, '..', 'tsconfig.json');
require('@swc-node/register');
