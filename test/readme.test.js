'use strict';
// The README's API tour runs as it is written, on every backend (the
// consumer test runs it from the tarball and type-checks it too).
const assert = require('node:assert/strict');
const { execFile, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { backend } = require('..');

const ROOT = path.join(__dirname, '..');

describe("the README's API tour", () => {
  it('runs as an ES module as written, and prints the echo', async function () {
    this.timeout(60000);
    const tour = execFileSync(process.execPath, [path.join(__dirname, 'consumer', 'extract-tour.js'), path.join(ROOT, 'README.md')], { encoding: 'utf8' });
    // Inside the package, so that `import 'winsock'` resolves to it.
    const file = path.join(__dirname, '.readme-tour.mjs');
    fs.writeFileSync(file, tour);
    try {
      const stdout = await new Promise((resolve, reject) => {
        execFile(process.execPath, [file], { timeout: 30000 }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)));
      });
      assert.equal(stdout.trim(), `echo: request ${backend}`);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
