'use strict';
// Wine runs the real Winsock calls, but differs from Windows in a few
// documented places; only those cases are skipped there, saying why.
const { underWine } = require('../..');

/** it() that is skipped under Wine, with the reason in its title. */
function itExceptUnderWine(reason, title, body) {
  if (underWine) return it(`${title} (skipped under Wine: ${reason})`);
  return it(title, body);
}

module.exports = { underWine, itExceptUnderWine };
