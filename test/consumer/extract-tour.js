'use strict';
// Prints the README's API tour as it stands (the first code block under
// "## API tour"), so that the consumer test checks the very text users copy.
//   node test/consumer/extract-tour.js README.md > tour.mts
const fs = require('node:fs');

const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n');
const heading = lines.indexOf('## API tour');
const open = lines.findIndex((line, i) => i > heading && /^```(js|ts)$/.test(line));
const close = lines.findIndex((line, i) => i > open && line === '```');
if (heading < 0 || open < 0 || close < 0) {
  console.error('no code block under "## API tour" in the README');
  process.exit(1);
}
process.stdout.write(lines.slice(open + 1, close).join('\n') + '\n');
