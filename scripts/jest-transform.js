// NestJS 12 and a few of its dependencies ship as ES modules only. Node >= 20.19 can require()
// them, but Jest's module runtime cannot, so ESM files under node_modules are compiled to
// CommonJS with swc; everything else in node_modules is passed through untouched.
const { createTransformer } = require('@swc/jest');

const swc = createTransformer({
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
});

const ESM_SYNTAX = /^\s*(import[\s{*]|export[\s{*])/m;
const passThrough = (src, file) => file.includes('/node_modules/') && !ESM_SYNTAX.test(src);

module.exports = {
  process(src, file, options) {
    return passThrough(src, file) ? { code: src } : swc.process(src, file, options);
  },
  getCacheKey(src, file, options) {
    return `${swc.getCacheKey(src, file, options)}:${passThrough(src, file) ? 'raw' : 'swc'}`;
  },
};
