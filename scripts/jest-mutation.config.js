// The Jest configuration `npm run mutation` runs against every mutant: the `unit` project alone,
// limited to the unit specs under libs/domain. Stryker reads it inside its sandbox, so the
// `<rootDir>`-relative transform and the path aliases resolve to the sandbox's mutated sources.
const path = require('path');
const { projects } = require('../jest.config');

const unit = projects.find((project) => project.displayName === 'unit');

module.exports = {
  ...unit,
  rootDir: path.join(__dirname, '..'),
  testMatch: ['<rootDir>/libs/domain/**/*.unit.spec.ts'],
};
