'use strict';
// Mocha's spec reporter, closed by the one line CI reads: "N passed, N failed, N skipped".
// Skipped tests print their reason (the test's title carries it) in the spec output.
const Mocha = require('mocha');

const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats;
      const label = process.env.WINSOCK_SUITE ? `${process.env.WINSOCK_SUITE}: ` : '';
      process.stdout.write(`${label}${passes} passed, ${failures} failed, ${pending} skipped\n`);
    });
  }
}

module.exports = SummaryReporter;
