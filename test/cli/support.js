'use strict';
// Running the `winsock` command as a user does: dist/cli/main.js under
// this process's node (the Windows node.exe in the Wine suite), with pipes.
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');

// Under Wine, node.exe starting node.exe failed once in a whole run of the
// suite with an error libuv does not name (spawn threw UNKNOWN; 150 spawns
// in a row did not fail): tried again, up to three times. Any other error,
// and an UNKNOWN that persists, reaches the test.
function spawnNode(args, options) {
  for (let attempt = 1; ; attempt++) {
    try {
      return spawn(process.execPath, args, options);
    } catch (error) {
      if (error.code !== 'UNKNOWN' || attempt === 3) throw error;
    }
  }
}

/**
 * Starts `winsock ARGS...`. The result has `exited` (resolves with { code,
 * stdout, stderr } once it exits), `stderrLine(pattern)` (resolves with the
 * first match in its standard error), `stdoutLength(n)` (resolves once n
 * bytes came out) and `stdin`.
 */
function start(args, options = {}) {
  const child = spawnNode([CLI, ...args], { cwd: ROOT, env: { ...process.env, ...options.env } });
  const stdout = [];
  let stdoutLength = 0;
  let stderr = '';
  const watchers = new Set();
  const look = () => { for (const watcher of watchers) watcher(); };
  child.stdout.on('data', (chunk) => { stdout.push(chunk); stdoutLength += chunk.length; look(); });
  child.stderr.on('data', (chunk) => { stderr += chunk; look(); });
  const exited = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? signal, stdout: Buffer.concat(stdout), stderr }));
  });
  const until = (test, what) => new Promise((resolve, reject) => {
    const watcher = () => {
      const found = test();
      if (found === undefined || found === null || found === false) return;
      watchers.delete(watcher);
      resolve(found);
    };
    watchers.add(watcher);
    exited.then(({ code }) => {
      if (!watchers.has(watcher)) return;
      watchers.delete(watcher);
      reject(new Error(`winsock ${args.join(' ')} exited (${code}) before ${what}\nstderr: ${stderr}`));
    });
    watcher();
  });
  return {
    child,
    stdin: child.stdin,
    exited,
    stderrLine: (pattern) => until(() => stderr.match(pattern), `printing ${pattern}`),
    stdoutLength: (length) => until(() => stdoutLength >= length, `writing ${length} bytes`),
    kill: () => { if (child.exitCode === null && child.signalCode === null) child.kill(); },
  };
}

/** Runs `winsock ARGS...` to its end: { code, stdout, stderr }. */
function run(args, options = {}) {
  const started = start(args, options);
  started.stdin.end(options.input ?? '');
  return started.exited;
}

/** `listening on HOST:PORT` from `winsock listen`: { address, port }. */
async function listening(started) {
  const [, address, port] = await started.stderrLine(/listening on (\S+):(\d+)\n/);
  return { address: address.replace(/^\[|\]$/g, ''), port: Number(port) };
}

const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');

/** Kills what `start` started once the test is over. */
function useCommands() {
  const started = [];
  afterEach(() => { for (const one of started.splice(0)) one.kill(); });
  return {
    start: (args, options) => {
      const one = start(args, options);
      started.push(one);
      return one;
    },
  };
}

module.exports = { CLI, ROOT, start, run, listening, sha256, useCommands };
