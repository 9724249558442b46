'use strict';
const assert = require('node:assert/strict');
const { underWine } = require('../..');
const { runFixture } = require('./support');

describe('a worker thread terminated at any moment', () => {
  const rounds = underWine ? 20 : 200;

  it(`never aborts the process: ${rounds} workers ended at seeded random moments of a busy echo`, async function () {
    this.timeout(300000);
    const run = await runFixture('terminate-during-echo.js', [20261202, rounds]);
    assert.equal(run.signal, null, `the process died of ${run.signal}: ${run.stderr}`);
    assert.equal(run.code, 0, run.stderr);
    const [, count, before, after] = run.stdout.match(/terminated (\d+) workers; open descriptors (-?\d+) before, (-?\d+) after/);
    assert.equal(Number(count), rounds);
    // Where the platform lists descriptors (Linux), none was left behind.
    if (Number(before) >= 0) assert.equal(Number(after), Number(before), 'descriptors leaked');
  });

  it('survives server.close() while worker threads read with for await', async function () {
    this.timeout(120000);
    const run = await runFixture('close-server-with-workers.js', [underWine ? 3 : 10]);
    assert.equal(run.signal, null, `the process died of ${run.signal}: ${run.stderr}`);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /closed \d+ servers/);
  });
});
