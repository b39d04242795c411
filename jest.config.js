const { pathsToModuleNameMapper } = require('./scripts/jest-paths');

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj|cj)s$': '<rootDir>/scripts/jest-transform.js' },
  transformIgnorePatterns: [],
  moduleNameMapper: pathsToModuleNameMapper(),
  modulePathIgnorePatterns: ['<rootDir>/dist', '<rootDir>/.mandate'],
};

/** Unit, integration and end-to-end tests are separate projects so each can run alone. */
module.exports = {
  // On two cores Jest runs the specs in its own process (one worker: in band), so a handle a spec
  // leaves open (a stream's retry timer, a pool's idle client, a server not closed) would keep the
  // whole run, and CI, from ending. Every spec closes what it opens, and the specs that leaked were
  // mended; but the whole suite still left something open once (a timer ticking every few seconds,
  // no socket, no child) that no spec run alone shows. So the run ends with its last spec
  // (`forceExit`, which says so when it has to); `--detectOpenHandles` on the suspects finds it.
  forceExit: true,
  // Jest reads `testTimeout` from the global configuration only: set inside a project it is
  // silently ignored, and every spec ran under the default 5 s (a unit spec timed out on a loaded
  // CI machine that way). Unit specs need no servers, but property specs run a hundred cases each
  // and some read thousands of events: on a loaded two-core machine they took 5-6 s. Integration
  // and end-to-end specs start real servers on a shared machine: a slow start is not a failure.
  // A hang still fails, later.
  testTimeout: 30_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/**/*.unit.spec.ts'],
    },
    {
      ...common,
      displayName: 'int',
      testMatch: ['<rootDir>/**/*.int.spec.ts'],
      setupFiles: ['<rootDir>/test/setup/require-infra.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/**/*.e2e.spec.ts'],
      setupFiles: ['<rootDir>/test/setup/require-infra.ts'],
    },
  ],
};
