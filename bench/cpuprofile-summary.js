'use strict';
// Self time per function from `node --cpu-prof` output:
//   node bench/cpuprofile-summary.js FILE.cpuprofile [top=15]
// Each sample's time delta is charged to the function it landed in; functions
// are keyed by name and file (basename) so that the many closures collapse.
const fs = require('node:fs');
const path = require('node:path');

const [file, topArg = '15'] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bench/cpuprofile-summary.js FILE.cpuprofile [top]\n');
  process.exit(2);
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const keyOf = new Map();
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${path.basename(url)}:${lineNumber + 1}` : '';
  keyOf.set(node.id, `${functionName || '(anonymous)'} ${where}`.trim());
}
const self = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  total += delta;
  const key = keyOf.get(id);
  self.set(key, (self.get(key) ?? 0) + delta);
});
const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg));
process.stdout.write(`total ${(total / 1000).toFixed(0)} ms\n`);
for (const [key, micros] of top) {
  process.stdout.write(`${(micros / 1000).toFixed(1).padStart(9)} ms ${(100 * micros / total).toFixed(1).padStart(5)}%  ${key}\n`);
}
