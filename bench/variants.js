'use strict';
// The bench's columns: each a way to run one round of a scenario.
//   winsock, node      in the bench's own process (impl 'winsock' or 'node')
//   winsock-<engine>   winsock on the other Linux engine (epoll or io_uring),
//                      in a process of its own (round.js: WINSOCK_BACKEND
//                      is read when the addon loads)
//   bun                Bun (npm's bun, which bench/setup.sh installs) running
//                      the node impl, in a process of its own (round.js)
//   c                  the C loop (bench/anchor/loop.c), for a scenario with
//                      an anchor()
// A column that cannot run here says why (unavailable), and so does a
// scenario without a C version (unavailableFor).
const { execFile, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { loopUnavailable, track, winsock } = require('./harness');

const ROOT = path.join(__dirname, '..');
const ROUND = path.join(__dirname, 'round.js');
const BUN = path.join(ROOT, '.cache', 'bench', 'node_modules', '.bin', 'bun');

function inProcess(impl) {
  return { name: impl, label: impl, short: impl, run: (scenario, params) => scenario.run({ ...params, impl }) };
}

/** Runs round.js with `command` (node or bun) and `env`; resolves with the figures it printed. */
function inChild(command, env, impl) {
  return (scenario, params) => new Promise((resolve, reject) => {
    const options = JSON.stringify({ quick: params.quick, scale: params.scale });
    const child = execFile(command, [ROUND, scenario.name, params.shape, impl, options],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 600000 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`${path.basename(command)} round.js: ${error.message}${stderr ? `\n${stderr}` : ''}`));
        else resolve(JSON.parse(stdout.trim().split('\n').pop()));
      });
    track(() => { if (child.exitCode === null) child.kill(); });
  });
}

// winsock on the engine it does not use here, or why there is none.
function otherEngine() {
  const other = winsock.engine === 'io_uring' ? 'epoll' : 'io_uring';
  const variant = { name: `winsock-${other}`, label: `winsock ${other}`, short: other, run: inChild(process.execPath, { WINSOCK_BACKEND: other }, 'winsock') };
  if (process.platform !== 'linux' || winsock.underWine) return { ...variant, unavailable: 'one engine here: epoll and io_uring are Linux\'s' };
  const probe = "const w = require('.'); process.stdout.write(JSON.stringify([w.engine, w.engineFallback]))";
  const [engine, fallback] = JSON.parse(execFileSync(process.execPath, ['-e', probe], { cwd: ROOT, env: { ...process.env, WINSOCK_BACKEND: other } }));
  return engine === other ? variant : { ...variant, unavailable: `the kernel refuses ${other}: ${fallback}` };
}

function bun() {
  const variant = { name: 'bun', label: 'bun', short: 'bun', run: inChild(BUN, {}, 'node') };
  if (winsock.underWine) return { ...variant, unavailable: 'Bun runs on Linux, beside Wine' };
  if (!fs.existsSync(BUN)) return { ...variant, unavailable: 'not installed: bash bench/setup.sh installs it (npm\'s bun)' };
  return variant;
}

function cLoop() {
  return {
    name: 'c',
    label: 'C loop',
    short: 'C',
    run: (scenario, params) => scenario.anchor(params),
    unavailable: loopUnavailable(),
    unavailableFor: (scenario, params) => (scenario.anchor ? scenario.anchorUnavailable?.(params) ?? null : 'no C version'),
  };
}

/** Every column, in the order of the table: winsock, node, then the anchors. */
function variants({ wineServer }) {
  const measured = [inProcess('winsock'), inProcess('node')];
  // With --wine-server the servers are node.exe's: the other columns would measure Linux.
  if (wineServer) return measured;
  return [...measured, otherEngine(), bun(), cLoop()];
}

module.exports = { variants };
