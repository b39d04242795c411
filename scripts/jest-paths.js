// Maps the tsconfig `paths` aliases (the single source of truth) to Jest's moduleNameMapper.
const path = require('path');
const tsconfig = require('../tsconfig.json');

function pathsToModuleNameMapper() {
  const root = path.join(__dirname, '..');
  const mapper = {};
  for (const [alias, [target]] of Object.entries(tsconfig.compilerOptions.paths)) {
    mapper[`^${alias.replace('/', '\\/')}$`] = path.join(root, target);
  }
  return mapper;
}

module.exports = { pathsToModuleNameMapper };
