'use strict';
// Checks the prebuilt addons before they are packed: each target's folder
// holds one .node file, named as node-gyp-build looks for it, made for that
// platform and CPU (read from its header, so a host build in a cross
// target's folder is caught), and
//   Linux: needs no newer glibc / libstdc++ symbol versions than the floor
//          the README states (readelf, from binutils);
//   win32: needs no mingw-w64 runtime DLL (libwinpthread-1.dll, ...), which
//          a user's machine lacks, and imports from node.exe only Node-API
//          functions of NAPI_VERSION 8, which every Node from 20 on exports
//          (x86_64-w64-mingw32-objdump, if present; node-api-headers' lists).
//   node scripts/prebuilds/check.js [--root DIR] TARGET...
// --root: the package folder holding prebuilds/ (default: this repository),
// such as an installed copy of the tarball.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

// The floor of the Linux binaries, as stated in README.md ("Prebuilt
// binaries"). GLIBC_2.32 comes from __libc_single_threaded, which
// libstdc++'s headers (GCC 11 and later) read inline; no flag removes it.
const FLOOR = { GLIBC: '2.32', GLIBCXX: '3.4.29', CXXABI: '1.3.9' };

const TARGETS = {
  'linux-x64': { file: 'winsock.glibc.node', format: 'ELF', machine: 62, cpu: 'x86-64' },
  'linux-arm64': { file: 'winsock.glibc.node', format: 'ELF', machine: 183, cpu: 'AArch64' },
  'win32-x64': { file: 'winsock.node', format: 'PE', machine: 0x8664, cpu: 'x86-64' },
  'darwin-x64': { file: 'winsock.node', format: 'Mach-O', machine: 0x01000007, cpu: 'x86-64' },
  'darwin-arm64': { file: 'winsock.node', format: 'Mach-O', machine: 0x0100000c, cpu: 'arm64' },
};

const args = process.argv.slice(2);
const rootAt = args.indexOf('--root');
const root = rootAt >= 0 ? path.resolve(args.splice(rootAt, 2)[1]) : path.join(__dirname, '..', '..');

function header(bytes) {
  if (bytes.readUInt32BE(0) === 0x7f454c46) return { format: 'ELF', machine: bytes.readUInt16LE(18) };
  if (bytes.readUInt16BE(0) === 0x4d5a) {
    const pe = bytes.readUInt32LE(0x3c);
    if (bytes.readUInt32BE(pe) === 0x50450000) return { format: 'PE', machine: bytes.readUInt16LE(pe + 4) };
  }
  if (bytes.readUInt32LE(0) === 0xfeedfacf) return { format: 'Mach-O', machine: bytes.readUInt32LE(4) };
  return { format: 'unknown', machine: -1 };
}

function compareVersions(a, b) {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  }
  return 0;
}

// The newest version of each of glibc, libstdc++ and its ABI that the file's
// imported symbols name (name@GLIBC_2.32 in readelf's listing).
function symbolVersions(file) {
  const text = execFileSync('readelf', ['--dyn-syms', '--wide', file], { encoding: 'utf8' });
  const newest = {};
  for (const [, lib, version] of text.matchAll(/@(GLIBCXX|GLIBC|CXXABI)_([0-9.]+)/g)) {
    if (newest[lib] === undefined || compareVersions(version, newest[lib]) > 0) newest[lib] = version;
  }
  return newest;
}

function hasCommand(name) {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// { 'node.exe': ['napi_wrap', ...], 'KERNEL32.dll': [...], ... } from the import table.
function imports(file) {
  const text = execFileSync('x86_64-w64-mingw32-objdump', ['-p', file], { encoding: 'utf8' });
  const table = {};
  let dll = null;
  for (const line of text.split('\n')) {
    const name = /DLL Name: (\S+)/.exec(line);
    if (name) table[dll = name[1]] = [];
    else if (dll !== null && /^\s+[0-9a-f]+\s+[0-9a-f]+\s+\w+$/.test(line)) table[dll].push(line.trim().split(/\s+/).pop());
    else if (line.trim() === '') dll = null;
  }
  return table;
}

function nodeApi(version) {
  const symbols = require('node-api-headers/symbols.js')[`v${version}`];
  return new Set([...symbols.js_native_api_symbols, ...symbols.node_api_symbols]);
}

function check(target) {
  const expected = TARGETS[target];
  if (expected === undefined) return [`unknown target ${target}`];
  const dir = path.join(root, 'prebuilds', target);
  const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  if (files.length !== 1 || files[0] !== expected.file) {
    return [`prebuilds/${target}/ holds [${files.join(', ')}], not just ${expected.file}`];
  }
  const file = path.join(dir, expected.file);
  const problems = [];
  const found = header(fs.readFileSync(file));
  if (found.format !== expected.format || found.machine !== expected.machine) {
    problems.push(`${found.format} machine 0x${found.machine.toString(16)}, not ${expected.format} ${expected.cpu}`);
  }
  let needs = '';
  if (expected.format === 'ELF' && problems.length === 0) {
    const versions = symbolVersions(file);
    needs = Object.entries(versions).map(([lib, version]) => `${lib}_${version}`).join(' ');
    for (const [lib, version] of Object.entries(versions)) {
      if (compareVersions(version, FLOOR[lib]) > 0) problems.push(`needs ${lib}_${version}, newer than the stated ${lib}_${FLOOR[lib]}`);
    }
  }
  if (expected.format === 'PE' && problems.length === 0 && hasCommand('x86_64-w64-mingw32-objdump')) {
    const table = imports(file);
    needs = Object.keys(table).join(' ');
    for (const dll of Object.keys(table)) if (/^lib.*\.dll$/i.test(dll)) problems.push(`imports ${dll}, a mingw-w64 runtime DLL (link it statically)`);
    const napi8 = nodeApi(8);
    // Node-API 8 only: node.exe also exports libuv, but node-api-headers'
    // node_api.def, which the MSVC build links against, has no uv_*.
    for (const symbol of table['node.exe'] ?? []) {
      if (!napi8.has(symbol)) problems.push(`imports ${symbol} from node.exe, not a Node-API 8 function`);
    }
  }
  if (problems.length === 0) {
    const size = fs.statSync(file).size;
    console.log(`prebuilds/${target}/${expected.file}: ${expected.format} ${expected.cpu}, ${size} bytes${needs ? `, needs ${needs}` : ''}`);
  }
  return problems.map((problem) => `prebuilds/${target}/${expected.file}: ${problem}`);
}

const targets = args;
if (targets.length === 0) {
  console.error('usage: node scripts/prebuilds/check.js [--root DIR] TARGET...');
  process.exit(2);
}
const problems = targets.flatMap(check);
const others = fs.existsSync(path.join(root, 'prebuilds'))
  ? fs.readdirSync(path.join(root, 'prebuilds')).filter((name) => !targets.includes(name))
  : [];
if (others.length > 0) console.log(`prebuilds/ also holds, not checked now: ${others.join(', ')}`);
for (const problem of problems) console.error(`check: ${problem}`);
process.exit(problems.length === 0 ? 0 : 1);
