'use strict';
// What every scenario shares: loading winsock, loopback listeners, exact
// reads, running the client role here or in a forked child, and a registry
// of things to close so that a failed or timed-out scenario leaves nothing
// open (the bench must exit by itself).
const { execFile, fork } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const LOOPBACK = '127.0.0.1';
const winsock = require('..');

// Closers of what the current scenario opened; run.js calls closeAll() after each.
const open = new Set();

/** Remembers `close` until it is called (returns an idempotent closer). */
function track(close) {
  let done = false;
  const closer = () => {
    if (done) return;
    done = true;
    open.delete(closer);
    close();
  };
  open.add(closer);
  return closer;
}

/**
 * Subscribes to the trace channels with what a printer does but the write:
 * formats each message. Children forked later subscribe too (the env).
 */
let subscribed = false;
function subscribe() {
  const diagnosticsChannel = require('node:diagnostics_channel');
  process.env.WINSOCK_BENCH_SUBSCRIBE = '1';
  if (subscribed) return;
  subscribed = true;
  let formatted = 0;
  diagnosticsChannel.subscribe('winsock:call', (message) => { formatted += winsock.formatCall(message).length; });
  diagnosticsChannel.subscribe('winsock:state', (message) => { formatted += winsock.formatState(message).length; });
}
if (process.env.WINSOCK_BENCH_SUBSCRIBE === '1') subscribe();

function closeAll() {
  for (const closer of [...open]) {
    try { closer(); } catch { /* already gone */ }
  }
}

/** A winsock stream socket listening on loopback, port 0. */
function winsockListener() {
  const listener = new winsock.Socket().bind({ address: LOOPBACK, port: 0 }).listen();
  track(() => listener.close());
  return listener;
}

/** A net.Server listening on loopback, port 0; resolves once it listens. */
function nodeListener(onConnection) {
  const server = net.createServer({ noDelay: true }, onConnection);
  track(() => server.close());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => resolve(server));
  });
}

/**
 * Reads exactly `size` bytes from a winsock stream socket (a stream may split
 * or coalesce what was sent); null at EOF. Asks for no more than is missing
 * so that the next message is never eaten.
 */
async function readExactly(socket, size) {
  let first = await socket.recv(size);
  if (first.length === size) return first;
  const chunks = [first];
  let length = first.length;
  while (length < size) {
    if (first.length === 0) return null;
    first = await socket.recv(size - length);
    chunks.push(first);
    length += first.length;
  }
  return Buffer.concat(chunks, length);
}

/** True for the rejection every pending operation gets at close(). */
function isClosed(error) {
  return error && error.code === 'ERR_SOCKET_CLOSED';
}

/**
 * Forks bench/child-client.js to run `roles[role](params)` of a scenario file.
 * `result` settles with what the role returned; `message(type)` waits for an
 * intermediate message the role sent with ipc.send().
 */
function forkRole(scenario, role, params, { execArgv = [] } = {}) {
  const start = () => fork(path.join(__dirname, 'child-client.js'), [], {
    execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'], // the child never writes to our stdout (--json)
  });
  let child;
  try {
    child = start();
  } catch (error) {
    // Wine's CreateProcess has failed a fork with an error libuv does not
    // know (spawn UNKNOWN), once in a CI smoke run and not in three runs
    // after it: the scenario did not get to run, so it gets one more try,
    // said aloud.
    if (!winsock.underWine || error.code !== 'UNKNOWN') throw error;
    process.stderr.write(`  fork under Wine failed (${error.message}); trying once more\n`);
    child = start();
  }
  const kill = track(() => { if (child.exitCode === null && child.signalCode === null) child.kill(); });
  const waiters = new Map();
  let settle;
  const result = new Promise((resolve, reject) => { settle = { resolve, reject }; });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.on('message', (message) => {
    if (message.type === 'result') settle.resolve(message.value);
    else if (message.type === 'error') settle.reject(Object.assign(new Error(message.message), { stack: message.stack }));
    const waiter = waiters.get(message.type);
    if (waiter) { waiters.delete(message.type); waiter(message); }
  });
  child.once('error', (error) => settle.reject(error));
  exited.then((code) => settle.reject(new Error(`${role} child exited (${code}) before its result`)));
  child.send({ scenario, role, params });
  return {
    child,
    result,
    send: (message) => child.send(message),
    message: (type) => new Promise((resolve) => waiters.set(type, resolve)),
    /** Waits a little for the child to exit by itself, then kills it. */
    async finish(graceMs = 5000) {
      let timer;
      const late = new Promise((resolve) => { timer = setTimeout(resolve, graceMs, 'timeout'); });
      const outcome = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        process.stderr.write(`bench: ${scenario}/${role} child did not exit within ${graceMs} ms; killed\n`);
      }
      kill();
    },
  };
}

/**
 * Runs a scenario's client role in this process (shape 'same') or in a
 * forked child (shape 'child') and returns what it returned.
 */
async function runClient(shape, scenario, role, params) {
  if (shape === 'same') return require(`./scenarios/${scenario}`).roles[role](params);
  const forked = forkRole(scenario, role, params);
  try {
    return await forked.result;
  } finally {
    await forked.finish();
  }
}

// The C anchor (bench/anchor/loop.c), which bench/setup.sh builds here.
const LOOP = path.join(__dirname, '..', '.cache', 'bench', 'loop');

/** Why the C anchor cannot run here, or null. */
function loopUnavailable() {
  if (process.platform !== 'linux' || winsock.underWine) return 'the C loop is a Linux program (epoll)';
  if (!fs.existsSync(LOOP)) return 'not built: bash bench/setup.sh builds it (gcc)';
  return null;
}

/** Runs the C anchor with `args`; resolves with the JSON it printed. */
function runLoop(args) {
  return new Promise((resolve, reject) => {
    const child = execFile(LOOP, args.map(String), { timeout: 300000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`loop ${args.join(' ')}: ${error.message}${stderr ? `\n${stderr}` : ''}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()));
    });
    track(() => { if (child.exitCode === null) child.kill(); });
  });
}

module.exports = {
  LOOPBACK, LOOP, loopUnavailable, runLoop, winsock, track, closeAll, subscribe, winsockListener, nodeListener, readExactly, isClosed, forkRole, runClient,
};
