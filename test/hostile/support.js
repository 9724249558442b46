'use strict';
// Helpers of the hostile tests: a garbage collector to call, and a child
// process to run a scenario that, if the defect came back, would take the
// process down (an abort must fail one test, not end the suite).
const { execFile } = require('node:child_process');
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');

v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc');

/** Runs full collections, with turns of the loop between for finalizers. */
async function collectGarbage(rounds = 3) {
  for (let i = 0; i < rounds; i++) {
    collect();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Runs fixtures/NAME with `args` in a child node; resolves { code, signal, stdout, stderr }. */
function runFixture(name, args, timeout = 240000) {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(__dirname, 'fixtures', name), ...args.map(String)],
      { timeout, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        resolve({ code: error ? error.code ?? null : 0, signal: error ? error.signal ?? null : null, stdout, stderr });
      });
  });
}

/** Settles with the promise's outcome, or 'pending' if it has not settled within `ms`. */
function outcomeWithin(promise, ms) {
  return Promise.race([
    promise.then((value) => ({ value }), (error) => ({ error })),
    new Promise((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);
}

module.exports = { collectGarbage, runFixture, outcomeWithin };
