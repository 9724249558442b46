'use strict';
// .ci/run runs the suite more than once: npm test's run (epoll, the plain
// build), then runs that WINSOCK_SUITE names: io_uring, the sanitized build
// on each engine, Node 22 and 24, and the Windows node.exe under Wine. A test
// whose subject none of those runs changes is left to npm test's run, and
// says so in the others.
const { skipByTitle, TYPE_CHECKS } = require('./title-skips');

const REPEATS = new Set(['uring', 'asan', 'asan-uring', 'node22', 'node24', 'wine']);
const SKIPS = [
  [TYPE_CHECKS, "tsc over the published .d.ts files, the same in every run; npm test's run has it"],
  [/under Wine \(Winsock backend\)/, "the Windows node.exe and Python peers, none of them this run's; npm test's run has it"],
];

const suite = process.env.WINSOCK_SUITE;

exports.mochaHooks = REPEATS.has(suite) ? skipByTitle(`in the ${suite} run`, SKIPS) : {};
