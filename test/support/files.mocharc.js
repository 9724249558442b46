'use strict';
// .mocharc.json without its spec, for runs of chosen files: mocha adds the
// files named on its command line to the configured spec instead of
// replacing it, so `mocha --config test/support/files.mocharc.js FILE...`
// runs only FILE... with the suite's reporter and timeout.
const { spec, ...options } = require('../../.mocharc.json');

module.exports = options;
