'use strict';
// An idle connection is a socket with one operation waiting, so what a
// waiting operation holds is what a server holds per connection. Its
// promise is the addon's (native/completions.h): a promise made in JS
// with `new Promise` would add two resolving functions and their context,
// about 200 bytes of JS heap each.
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { underWine } = require('./support/wine');

// Fewer pairs measure the heap less exactly (it grows by pages); under
// Wine each pair is a loopback connect and accept.
const PAIRS = underWine ? 2000 : 5000;
// A promise and the records of the addon's own take about 150 bytes here;
// a promise made in JS took 340.
const BUDGET = 250;

describe('what a waiting operation holds', () => {
  it(`holds under ${BUDGET} bytes of JS heap for each of ${PAIRS} pending recvs, which all reject on close`, () => {
    const printed = execFileSync(process.execPath, ['--expose-gc', path.join(__dirname, 'fixtures', 'pending-heap.js'), String(PAIRS)], { encoding: 'utf8' });
    const { perRecv, closed } = JSON.parse(printed);
    assert.equal(closed, PAIRS);
    assert.ok(perRecv < BUDGET, `${perRecv.toFixed(0)} bytes of JS heap for each pending recv`);
  });
});
