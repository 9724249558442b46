'use strict';
// Checks that every source map of an installed package resolves: each .js
// names a map that exists, and each map's sources exist in the package.
//   node test/consumer/source-maps.js node_modules/winsock
const fs = require('node:fs');
const path = require('node:path');

const packageDir = path.resolve(process.argv[2]);
const problems = [];
let maps = 0;
let sources = 0;
for (const name of fs.readdirSync(path.join(packageDir, 'dist'), { recursive: true })) {
  if (!String(name).endsWith('.js')) continue;
  const file = path.join(packageDir, 'dist', String(name));
  const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(fs.readFileSync(file, 'utf8'))?.[1];
  if (url === undefined) continue;
  const mapFile = path.resolve(path.dirname(file), url);
  if (!fs.existsSync(mapFile)) {
    problems.push(`${path.relative(packageDir, file)} points at a missing ${url}`);
    continue;
  }
  maps++;
  const map = JSON.parse(fs.readFileSync(mapFile, 'utf8'));
  for (const source of map.sources) {
    const resolved = path.resolve(path.dirname(mapFile), map.sourceRoot ?? '', source);
    if (fs.existsSync(resolved)) sources++;
    else problems.push(`${path.relative(packageDir, mapFile)}: source ${source} is not in the package`);
  }
}
for (const problem of problems) console.error(problem);
if (problems.length > 0 || maps === 0) process.exit(1);
console.log(`${maps} source maps, ${sources} sources, all in the package`);
