'use strict';
// The two runtimes a cross-boundary test runs a fixture under: this Linux
// node (the POSIX backend), and the Windows node.exe under Wine (the
// Winsock backend), both driven from here, with the peers on Linux:
// node.exe under Wine cannot start a Linux program itself.
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');

function hasCommand(name) {
  return spawnSync('bash', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Why the Wine runtime cannot run here, or null when it can. */
function wineMissing() {
  if (!hasCommand('wine')) return 'Wine is not installed (scripts/win32/setup.sh installs it)';
  if (!fs.existsSync(path.join(ROOT, '.cache', 'win32', 'node.exe'))) {
    return 'the Windows node.exe is not fetched (scripts/win32/setup.sh fetches it)';
  }
  return null;
}

let built = false;

const RUNTIMES = [
  {
    name: 'Linux node (POSIX backend)',
    missing: () => null,
    start: (fixture, args) => spawn(process.execPath, [path.join(__dirname, 'fixtures', fixture), ...args.map(String)]),
  },
  {
    name: 'Windows node.exe under Wine (Winsock backend)',
    missing: wineMissing,
    start(fixture, args) {
      if (!built) {
        // The addon node.exe loads, brought up to date once (incremental).
        execFileSync('bash', [path.join(ROOT, 'scripts', 'build-win32.sh')], { cwd: ROOT, stdio: 'ignore' });
        built = true;
      }
      const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'winsock-interop-')), 'node.log');
      return spawn('bash', ['scripts/win32/run-node.sh', path.join('test', 'interop', 'fixtures', fixture), ...args.map(String)], {
        cwd: ROOT,
        env: { ...process.env, WINSOCK_SKIP_BUILD: '1', WINSOCK_WIN32_LOG: log },
      });
    },
  },
];

/** Runs `command args` and resolves with its output once it exits 0 (rejects otherwise). */
function run(child, label) {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (data) => { stdout += data; });
  child.stderr.on('data', (data) => { stderr += data; });
  const exited = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${label} exited with ${signal ?? code}\n${stdout}\n${stderr}`));
    });
  });
  /** Resolves with the first stdout line that matches `pattern`. */
  const line = (pattern) => new Promise((resolve, reject) => {
    const look = () => {
      const match = stdout.match(pattern);
      if (match) {
        child.stdout.off('data', look);
        resolve(match);
      }
    };
    child.stdout.on('data', look);
    exited.then(() => reject(new Error(`${label} never printed ${pattern}: ${stdout}`)), reject);
    look();
  });
  return { exited, line };
}

/** python3 with a peer script of peers/. */
function python(script, args) {
  return spawn('python3', [path.join(__dirname, 'peers', script), ...args.map(String)]);
}

module.exports = { RUNTIMES, run, python, hasCommand };
