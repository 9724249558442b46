'use strict';
// Checks a packed tarball's file list: what an install with no compiler
// needs is in it, and what only the repository needs is not.
//   node test/consumer/contents.js winsock-0.1.0.tgz [ALSO_REQUIRED...]
// (release.yml names the darwin prebuilds it merged in as ALSO_REQUIRED.)
const { execFileSync } = require('node:child_process');

const REQUIRED = [
  'LICENSE', 'README.md', 'package.json',
  'docs/README.md', 'docs/sockets.md',  // the guide the README links to
  'dist/index.js', 'dist/index.d.ts', 'dist/codec/index.js', 'dist/codec/index.d.ts',
  'dist/cli/main.js',    // the winsock command (package.json "bin")
  'codec/package.json',  // winsock/codec for resolvers without "exports" (TypeScript's node10)
  'lib/index.ts',        // what dist/*.js.map point at
  'binding.gyp',         // the source build, where no prebuild fits
  'prebuilds/linux-x64/winsock.glibc.node',
  'prebuilds/linux-arm64/winsock.glibc.node',
  'prebuilds/win32-x64/winsock.node',
];
const FORBIDDEN = [
  /^scripts\//, /^test\//, /^bench\//, /^\.ci\//, /^\.github\//, /^\.cache\//, /^build\//,
  /\.tsbuildinfo$/, /\.tgz$/, /\.py$/,
];

const [tarball, ...alsoRequired] = process.argv.slice(2);
REQUIRED.push(...alsoRequired);
const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
const files = listing.split('\n').filter(Boolean).map((name) => name.replace(/^package\//, ''));
const problems = [
  ...REQUIRED.filter((name) => !files.includes(name)).map((name) => `missing: ${name}`),
  ...files.filter((name) => FORBIDDEN.some((pattern) => pattern.test(name))).map((name) => `should not ship: ${name}`),
];
for (const problem of problems) console.error(problem);
if (problems.length > 0) process.exit(1);
const prebuilds = files.filter((name) => name.startsWith('prebuilds/'));
console.log(`${files.length} files, ${prebuilds.length} prebuilds: ${prebuilds.join(', ')}`);
