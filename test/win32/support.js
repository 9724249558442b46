'use strict';
// What the Windows-only specs share: a describe() that runs only on the
// Winsock backend and elsewhere is skipped with the reason in its title.
const { backend } = require('../..');

function describeWinsock(title, body) {
  if (backend === 'winsock') return describe(title, body);
  return describe.skip(`${title} (skipped: Windows-only, this is the ${backend} backend)`, body);
}

module.exports = { describeWinsock };
