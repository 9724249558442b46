'use strict';
// An HTTP/1.1 keep-alive run under wrk (Debian's package; bench/setup.sh
// installs it): the server (./server.js) forked so that its RSS is its own,
// wrk driving it on loopback for a fixed time, then the figures wrk's
// report.lua prints and the server's resident size.
const { execFile, fork } = require('node:child_process');
const path = require('node:path');
const { track } = require('../harness');

const METRICS = [
  { key: 'rate', unit: 'requests/s', better: 'higher' },
  { key: 'p50', unit: 'p50 ms', better: 'lower' },
  { key: 'p99', unit: 'p99 ms', better: 'lower' },
  { key: 'rss', unit: 'server RSS MiB', better: 'lower' },
];

function startServer(impl) {
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
  return {
    port: next().then((message) => message.port),
    rss() {
      const answer = next();
      child.send('rss');
      return answer.then((message) => message.rss);
    },
    stop,
  };
}

function wrk(port, { connections, depth, seconds }) {
  const args = ['-t', '2', '-c', String(connections), '-d', `${seconds}s`, '-s', path.join(__dirname, 'report.lua'),
    `http://127.0.0.1:${port}/`, '--', String(depth)];
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { timeout: (seconds + 30) * 1000 }, (error, stdout, stderr) => {
      if (error) {
        reject(error.code === 'ENOENT' ? new Error('wrk is not installed: bash bench/setup.sh installs it') : new Error(`${error.message}\n${stderr}`));
        return;
      }
      const line = stdout.trim().split('\n').pop();
      resolve(JSON.parse(line));
    });
  });
}

/** One run: { rate, p50, p99, rss } for `impl` under wrk. */
async function drive(impl, { connections, depth, quick, scale }) {
  const server = startServer(impl);
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
  }
}

/** A scenario module for bench/run.js: `connections` keep-alive, `depth` pipelined. */
function httpScenario(name, { connections, depth }) {
  return {
    name,
    note: () => `wrk, ${connections} connections${depth > 1 ? `, ${depth} pipelined` : ''}`,
    fixedShape: 'child',
    metrics: METRICS,
    run: ({ impl, quick, scale = 1 }) => drive(impl, { connections, depth, quick, scale }),
  };
}

module.exports = { httpScenario };
