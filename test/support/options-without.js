'use strict';
// dist/socket/options.js as loaded by an addon that has no `missing`
// constant (a platform whose headers lack it): a fresh copy of the module
// that sees `constants` without that name; the real module is left as it
// was. options.js takes `constants` from the native entry (dist/native).
const nativePath = require.resolve('../../dist/native');
const optionsPath = require.resolve('../../dist/socket/options');

function optionsWithout(missing) {
  require(nativePath);
  const real = require.cache[nativePath].exports;
  const { [missing]: _dropped, ...rest } = real.constants;
  require.cache[nativePath].exports = { ...real, constants: rest };
  delete require.cache[optionsPath];
  try {
    return require(optionsPath);
  } finally {
    require.cache[nativePath].exports = real;
    delete require.cache[optionsPath];
  }
}

module.exports = { optionsWithout };
