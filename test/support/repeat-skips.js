'use strict';
// .ci/run runs the suite more than once: npm test's run (epoll, the plain
// build), then runs that WINSOCK_SUITE names: io_uring, the sanitized build
// on each engine, Node 22 and 24, and the Windows node.exe under Wine. A test
// whose subject none of those runs changes is left to npm test's run, and
// says so in the others.
const REPEATS = new Set(['uring', 'asan', 'asan-uring', 'node22', 'node24', 'wine']);
const SKIPS = [
  [/compile test\/types\/|type-checks the using blocks|agrees with the package's types/,
    "tsc over the published .d.ts files, the same in every run"],
  [/under Wine \(Winsock backend\)/,
    "the Windows node.exe and Python peers, none of them this run's"],
];

const suite = process.env.WINSOCK_SUITE;

exports.mochaHooks = REPEATS.has(suite) ? {
  beforeEach() {
    const title = this.currentTest.fullTitle();
    const skip = SKIPS.find(([pattern]) => pattern.test(title));
    if (skip === undefined) return;
    this.currentTest.title += ` (skipped in the ${suite} run: ${skip[1]}; npm test's run has it)`;
    this.skip();
  },
} : {};
