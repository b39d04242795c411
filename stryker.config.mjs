// Mutation testing of the pure core (libs/domain) against its unit specs: `npm run mutation`.
// docs/testing.md says what the score means and what bar it must stay above.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'scripts/jest-mutation.config.js' },
  coverageAnalysis: 'perTest',
  // Static mutants (module-level definitions: zod schemas, constant tables) cannot be traced to the
  // specs that cover them, so each reruns every related spec: on two cores, 95% of a full run for
  // 46% of the mutants. They are left out; the schemas have their own specs.
  ignoreStatic: true,
  mutate: [
    'libs/domain/src/**/*.ts',
    '!libs/domain/src/**/*.spec.ts',
    '!libs/domain/src/**/*.builders.ts',
    // Re-exports and type-only declarations hold no behaviour to mutate.
    '!libs/domain/src/**/index.ts',
    '!libs/domain/src/**/*.commands.ts',
    '!libs/domain/src/common/command.ts',
  ],
  // Two cores shared by everyone working on the machine.
  concurrency: 1,
  // Only mutants whose code or covering tests changed since the last run are run again.
  incremental: true,
  incrementalFile: '.mandate/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: '.mandate/mutation/mutation.html' },
  jsonReporter: { fileName: '.mandate/mutation/mutation.json' },
  clearTextReporter: { allowEmojis: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 85, break: 85 },
  // The sandbox lives under .mandate/ (ignored by git, Jest, ESLint, Prettier and tsc) and holds
  // only what the unit specs load; node_modules is linked, not copied.
  tempDirName: '.mandate/stryker-tmp',
  ignorePatterns: ['/*', '!/libs', '!/scripts', '!/package.json', '!/tsconfig.json', '!/jest.config.js'],
  cleanTempDir: true,
};
