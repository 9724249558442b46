'use strict';
// The two runtimes a Python peer meets the `winsock` command under, both
// driven from here (node.exe under Wine cannot start a Linux program): this
// Linux node (the POSIX backend) and the Windows node.exe under Wine (the
// Winsock backend). Standard input, output and error are files, since
// node.exe under Wine cannot write to a pipe.
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { RUNTIMES: FIXTURE_RUNTIMES } = require('../interop/runtimes');
const { CLI, ROOT } = require('./support');

let built = false;

// node.exe under Wine with the environment wine-env.sh sets, its wineserver
// stopped when it ends (win32_start's trap).
const WINE_COMMAND = 'source scripts/win32/wine-env.sh && win32_start && wine "$WIN32_NODE" "$@" <"$STDIN" >"$STDOUT" 2>"$STDERR"';

const RUNTIMES = [
  {
    name: 'the Linux node (POSIX backend)',
    missing: FIXTURE_RUNTIMES[0].missing,
    spawn: (args, files) => spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      stdio: [fs.openSync(files.stdin, 'r'), fs.openSync(files.stdout, 'w'), fs.openSync(files.stderr, 'w')],
    }),
  },
  {
    name: 'the Windows node.exe under Wine (Winsock backend)',
    missing: FIXTURE_RUNTIMES[1].missing,
    spawn(args, files) {
      if (!built) {
        execFileSync('bash', [path.join(ROOT, 'scripts', 'build-win32.sh')], { cwd: ROOT, stdio: 'ignore' });
        built = true;
      }
      return spawn('bash', ['-c', WINE_COMMAND, 'wine-node', path.relative(ROOT, CLI), ...args], {
        cwd: ROOT,
        stdio: 'ignore',
        env: { ...process.env, STDIN: files.stdin, STDOUT: files.stdout, STDERR: files.stderr },
      });
    },
  },
];

/**
 * Runs `winsock ARGS...` under a runtime with `input` as its standard input:
 * `exited` resolves with { code, stdout, stderr }; `stderrLine(pattern)`
 * with the first match in its standard error so far (polled: a file).
 */
function startIn(runtime, args, input) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'winsock-cli-'));
  const files = { stdin: path.join(dir, 'stdin'), stdout: path.join(dir, 'stdout'), stderr: path.join(dir, 'stderr') };
  fs.writeFileSync(files.stdin, input);
  fs.writeFileSync(files.stdout, '');
  fs.writeFileSync(files.stderr, '');
  const child = runtime.spawn(args, files);
  const read = (file) => fs.readFileSync(file);
  const exited = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const result = { code, stdout: read(files.stdout), stderr: read(files.stderr).toString() };
      fs.rmSync(dir, { recursive: true, force: true });
      resolve(result);
    });
  });
  let done = false;
  exited.then(() => { done = true; });
  const stderrLine = async (pattern) => {
    for (;;) {
      const match = read(files.stderr).toString().match(pattern);
      if (match) return match;
      if (done) throw new Error(`winsock ${args.join(' ')} exited before printing ${pattern}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { exited, stderrLine, kill: () => child.kill() };
}

module.exports = { RUNTIMES, startIn };
