'use strict';
// Root hooks that skip the tests whose full title matches a pattern, each
// with the reason added to its title (the reporter prints it).
//   exports.mochaHooks = skipByTitle('under qemu', [[/pattern/, 'why'], ...]);

/** The tests that type-check the published .d.ts files with tsc. */
const TYPE_CHECKS = /compile test\/types\/|type-checks the using blocks|agrees with the package's types/;

function skipByTitle(where, skips) {
  return {
    beforeEach() {
      const title = this.currentTest.fullTitle();
      const skip = skips.find(([pattern]) => pattern.test(title));
      if (skip === undefined) return;
      this.currentTest.title += ` (skipped ${where}: ${skip[1]})`;
      this.skip();
    },
  };
}

module.exports = { skipByTitle, TYPE_CHECKS };
