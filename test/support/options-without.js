'use strict';
// dist/options.js as loaded by an addon that has no `missing` constant (a
// platform whose headers lack it): a fresh copy of the module that sees
// `constants` without that name; the real module is left as it was.
const constantsPath = require.resolve('../../dist/constants');
const optionsPath = require.resolve('../../dist/options');

function optionsWithout(missing) {
  require(constantsPath);
  const real = require.cache[constantsPath].exports;
  const { [missing]: _dropped, ...rest } = real.constants;
  require.cache[constantsPath].exports = { ...real, constants: rest };
  delete require.cache[optionsPath];
  try {
    return require(optionsPath);
  } finally {
    require.cache[constantsPath].exports = real;
    delete require.cache[optionsPath];
  }
}

module.exports = { optionsWithout };
