'use strict';
// An HTTP/1.1 keep-alive run under wrk (Debian's package; bench/setup.sh
// installs it): the server (./server.js) in a process of its own so that
// its RSS is its own (forked, or node.exe under Wine with --wine-server),
// wrk driving it on loopback for a fixed time (one thread, on a CPU of its
// own), then the figures wrk's
// report.lua prints and the server's resident size.
const { execFile, fork, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { LOOP, track, winsock } = require('../harness');

const METRICS = [
  { key: 'rate', unit: 'requests/s', better: 'higher' },
  { key: 'p50', unit: 'p50 ms', better: 'lower' },
  { key: 'p99', unit: 'p99 ms', better: 'lower' },
  { key: 'rss', unit: 'server RSS MiB', better: 'lower' },
];

// The server forked from this node: IPC.
function forkServer(impl) {
  const child = fork(path.join(__dirname, 'server.js'), [impl], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const stop = track(() => child.kill());
  const next = () => new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`the ${impl} server exited with ${code}`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message);
    });
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    port: next().then((message) => message.port),
    rss() {
      const answer = next();
      child.send('rss');
      return answer.then((message) => message.rss);
    },
    stop,
    exited,
  };
}

// The server in the Windows node.exe under Wine (--wine-server): it cannot
// talk IPC with a Linux parent, so it answers through files.
function wineServer(impl) {
  const root = path.join(__dirname, '..', '..');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'winsock-http-'));
  const file = (name) => path.join(dir, name);
  const relative = path.relative(root, path.join(__dirname, 'server.js'));
  const child = spawn('bash', ['-c', 'source scripts/win32/wine-env.sh && win32_start && wine "$WIN32_NODE" "$@"', 'wine-node',
    relative, impl, '--control', path.relative(root, dir)], { cwd: root, stdio: 'ignore' });
  let exited = null;
  const gone = new Promise((resolve) => child.once('exit', (code) => { exited = code; resolve(); }));
  const stop = track(() => {
    fs.writeFileSync(file('stop'), '');
    gone.then(() => fs.rmSync(dir, { recursive: true, force: true }));
  });
  const poll = async (name) => {
    for (;;) {
      if (fs.existsSync(file(name))) return Number(fs.readFileSync(file(name), 'utf8'));
      if (exited !== null) throw new Error(`the ${impl} server under Wine exited with ${exited}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return {
    port: poll('port'),
    rss() {
      fs.writeFileSync(file('rss-request'), '');
      return poll('rss');
    },
    stop,
    // Its wineserver is stopped by then (win32_stop), so the next server
    // cannot attach to one on its way out.
    exited: gone,
  };
}

// The C anchor's HTTP responder (bench/anchor/loop.c http-server): its
// port on stdout, its resident size from /proc, and it stops when its stdin closes.
function loopServer() {
  const child = spawn(LOOP, ['http-server'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const stop = track(() => child.stdin.end());
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const port = new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]).port);
    });
    child.once('exit', (code) => reject(new Error(`the C loop's server exited with ${code}`)));
  });
  const rss = async () => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) * 1024;
  return { port, rss, stop, exited };
}

/**
 * wrk with one thread on a CPU of its own (taskset, the last CPU), when the
 * machine has two or more: a load generator that competes with the server
 * for the CPUs measures the scheduler. With two wrk threads free on a
 * 2-core VM, p99 was 6.6-7.9 ms for one server and 4.0-4.2 ms for the
 * other; with wrk on a CPU of its own, 2.1-3.6 and 2.8-4.1 ms.
 */
function wrkCommand(args) {
  const cpus = os.availableParallelism();
  if (cpus < 2) return ['wrk', ['-t', '1', ...args]];
  return ['taskset', ['-c', String(cpus - 1), 'wrk', '-t', '1', ...args]];
}

function wrk(port, { connections, depth, seconds }) {
  const args = ['-c', String(connections), '-d', `${seconds}s`, '-s', path.join(__dirname, 'report.lua'),
    `http://127.0.0.1:${port}/`, '--', String(depth)];
  const [command, commandArgs] = wrkCommand(args);
  return new Promise((resolve, reject) => {
    execFile(command, commandArgs, { timeout: (seconds + 30) * 1000 }, (error, stdout, stderr) => {
      if (error) {
        reject(error.code === 'ENOENT' ? new Error(`${command} is not installed: bash bench/setup.sh installs it`) : new Error(`${error.message}\n${stderr}`));
        return;
      }
      const line = stdout.trim().split('\n').pop();
      resolve(JSON.parse(line));
    });
  });
}

/** One run: { rate, p50, p99, rss } for `impl` ('c': the C loop) under wrk. */
async function drive(impl, { connections, depth, quick, scale, wine }) {
  const server = impl === 'c' ? loopServer() : wine ? wineServer(impl) : forkServer(impl);
  try {
    const port = await server.port;
    const figures = await wrk(port, { connections, depth, seconds: quick ? 1 : Math.max(1, Math.round(10 * scale)) });
    if (figures.requests === 0) throw new Error('wrk completed no request');
    if (figures.errors > 0) throw new Error(`wrk saw ${figures.errors} errors`);
    return {
      rate: figures.requests / (figures.duration_us / 1e6),
      p50: figures.p50_us / 1000,
      p99: figures.p99_us / 1000,
      rss: (await server.rss()) / (1024 * 1024),
    };
  } finally {
    server.stop();
    await server.exited;
  }
}

/** A scenario module for bench/run.js: `connections` keep-alive, `depth` pipelined. */
function httpScenario(name, { connections, depth }) {
  return {
    name,
    note: () => `wrk, ${connections} connections${depth > 1 ? `, ${depth} pipelined` : ''}`,
    fixedShape: 'child',
    metrics: METRICS,
    // wrk is a Linux program, which node.exe under Wine cannot start: there
    // the Linux node drives the scenario (bench/run.js --wine-server).
    unavailable: () => (winsock.underWine ? 'wrk runs on Linux: npm run bench:win32 measures this from there with --wine-server' : null),
    run: ({ impl, quick, scale = 1, wineServer: wine = false }) => drive(impl, { connections, depth, quick, scale, wine }),
    anchor: ({ quick, scale = 1 }) => drive('c', { connections, depth, quick, scale, wine: false }),
  };
}

module.exports = { httpScenario };
