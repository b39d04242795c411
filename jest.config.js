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
  // leaves open (a stream's retry timer, a pool's idle client, a server not closed) keeps the whole
  // run, and CI, from ending: every spec closes what it opens, and the run ends by itself.
  // `--detectOpenHandles` names the handle when one is left.
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/**/*.unit.spec.ts'] },
    {
      ...common,
      displayName: 'int',
      // Real servers on a shared machine: a slow start is not a failure; a hang still is.
      testTimeout: 30_000,
      testMatch: ['<rootDir>/**/*.int.spec.ts'],
      setupFiles: ['<rootDir>/test/setup/require-infra.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testTimeout: 30_000,
      testMatch: ['<rootDir>/**/*.e2e.spec.ts'],
      setupFiles: ['<rootDir>/test/setup/require-infra.ts'],
    },
  ],
};
