'use strict';
// The idle reaper's costs with 10,000 watched sockets (5,000 connected pairs
// in this process): what one sweep costs, and what being watched adds to each
// I/O operation. Build first (npm run build:ts), then:
//   node bench/reaper.js
// Needs about 10,100 descriptors (ulimit -n).
const { IdleReaper, Socket, backend } = require('../dist');

const PAIRS = 5000;
const SOCKETS = PAIRS * 2;
const STEADY_SWEEPS = 200;
const DUE_SAMPLES = 5;
const DUE_TIMEOUT = 2000;
const ROUND_TRIPS = 20000;
const PING_PONG_ROUNDS = 9;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const ms = (ns) => ns / 1e6;

function percentile(values, fraction) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

const median = (values) => percentile(values, 0.5);

/** Wall time of fn() in nanoseconds. */
function time(fn) {
  const start = process.hrtime.bigint();
  const result = fn();
  return [Number(process.hrtime.bigint() - start), result];
}

async function openPairs(count) {
  const listener = new Socket().bind({ address: '127.0.0.1', port: 0 }).listen(4096);
  const address = listener.localAddress();
  const clients = [];
  const accepted = [];
  for (let done = 0; done < count; done += 500) {
    const batch = Math.min(500, count - done);
    const connecting = Array.from({ length: batch }, async () => {
      const client = new Socket();
      await client.connect(address);
      clients.push(client);
    });
    const accepting = Array.from({ length: batch }, async () => accepted.push(await listener.accept()));
    await Promise.all([...connecting, ...accepting]);
  }
  listener.close();
  // Line the server sides up with their clients: accepted[i] is clients[i]'s peer.
  const byPeerPort = new Map(accepted.map((socket) => [socket.remoteAddress().port, socket]));
  return { clients, accepted: clients.map((client) => byPeerPort.get(client.localAddress().port)) };
}

/** One byte each way on every connection: every socket completes a send and a recv. */
async function touchAll(clients, accepted) {
  await Promise.all([...clients.map((c) => c.send('x')), ...accepted.map((s) => s.recv(1))]);
  await Promise.all([...accepted.map((s) => s.send('y')), ...clients.map((c) => c.recv(1))]);
}

/** Round trips per second of 1-byte ping-pong over one connection. */
async function pingPong(client, server, count) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    await client.send('p');
    await server.recv(1);
    await server.send('q');
    await client.recv(1);
  }
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function main() {
  console.log(`opening ${PAIRS} connected pairs (${SOCKETS} sockets)...`);
  const { clients, accepted } = await openPairs(PAIRS);
  const sockets = [...clients, ...accepted];

  // 1. The price of one lastActivity read: the sweep's only crossing into the addon.
  const reads = [];
  for (let round = 0; round < 20; round++) {
    reads.push(time(() => {
      let sum = 0;
      for (const socket of sockets) sum += socket.lastActivity;
      return sum;
    })[0]);
  }
  const readNs = median(reads) / SOCKETS;

  // 2. A steady sweep: no socket can be idle yet, so none is read.
  const steady = new IdleReaper({ timeout: 600000, interval: 600000 });
  for (const socket of sockets) steady.add(socket);
  const steadyTimes = [];
  for (let i = 0; i < STEADY_SWEEPS; i++) {
    const [ns, reaped] = time(() => steady.sweep());
    if (reaped !== 0) throw new Error('a steady sweep reaped');
    steadyTimes.push(ns);
  }
  steady.close();

  // The worst sweep takes a branch the steady ones never did: exercise it on
  // a few pairs first, as a long-running server would have, so that what is
  // measured is the optimized sweep rather than its first, deoptimizing run.
  for (let round = 0; round < 20; round++) {
    const warm = new IdleReaper({ timeout: 40, interval: 600000 });
    const few = [...clients.slice(0, 100), ...accepted.slice(0, 100)];
    for (const socket of few) warm.add(socket);
    await sleep(41);
    await touchAll(clients.slice(0, 100), accepted.slice(0, 100));
    if (warm.sweep() !== 0) throw new Error('the warm-up reaped');
    warm.close();
  }

  // 3. The worst sweep: every socket's deadline passed, every one is read and
  // found active. Reapers made together come due together: one sample each.
  const due = Array.from({ length: DUE_SAMPLES }, () => new IdleReaper({ timeout: DUE_TIMEOUT, interval: 600000 }));
  for (const reaper of due) for (const socket of sockets) reaper.add(socket);
  // Every deadline is now at most now + DUE_TIMEOUT; the activity comes after.
  const addedBy = performance.now();
  await touchAll(clients, accepted);
  const touched = performance.now() - addedBy;
  if (touched > DUE_TIMEOUT / 2) throw new Error(`touching every socket took ${touched} ms: too slow for this measure`);
  await sleep(addedBy + DUE_TIMEOUT + 20 - performance.now());
  const dueTimes = due.map((reaper) => {
    const [ns, reaped] = time(() => reaper.sweep());
    if (reaped !== 0) throw new Error('a worst-case sweep reaped');
    return ns;
  });
  // Right after, nothing is due again: the next sweeps are steady ones.
  const afterDue = median(due.map((reaper) => time(() => reaper.sweep())[0]));
  for (const reaper of due) reaper.close();

  // 4. Added cost per I/O operation: ping-pong on one pair, not watched,
  // watched by a 10,000-socket reaper (timer running), and watched for 'read'.
  const [client, server] = [clients[0], accepted[0]];
  const watched = new IdleReaper({ timeout: 600000, interval: 100 });
  for (const socket of sockets) if (socket !== client && socket !== server) watched.add(socket);
  const readOnly = new IdleReaper({ timeout: 600000, interval: 100, idle: 'read' });
  await pingPong(client, server, 2000); // warm-up
  const rates = { none: [], any: [], read: [] };
  for (let round = 0; round < PING_PONG_ROUNDS; round++) {
    watched.delete(client);
    watched.delete(server);
    rates.none.push(await pingPong(client, server, ROUND_TRIPS));
    watched.add(client).add(server);
    rates.any.push(await pingPong(client, server, ROUND_TRIPS));
  }
  watched.delete(client);
  watched.delete(server);
  // The 'read' fallback wraps the socket's methods for good: measured last.
  readOnly.add(client).add(server);
  for (let round = 0; round < PING_PONG_ROUNDS; round++) rates.read.push(await pingPong(client, server, ROUND_TRIPS));
  watched.close();
  readOnly.close();
  for (const socket of sockets) socket.close();

  const none = median(rates.none);
  const any = median(rates.any);
  const read = median(rates.read);
  const perOp = (rate) => ((1e9 / rate - 1e9 / none) / 4).toFixed(0);
  console.log(`\nnode ${process.version}, ${process.platform}-${process.arch}, backend ${backend}`);
  console.log(`\nsweep of ${SOCKETS} watched sockets (process.hrtime around reaper.sweep()):`);
  console.log(`  steady (none due, the usual sweep): ${ms(median(steadyTimes)).toFixed(3)} ms median` +
    ` (${(median(steadyTimes) / SOCKETS).toFixed(1)} ns per socket), p95 ${ms(percentile(steadyTimes, 0.95)).toFixed(3)} ms`);
  console.log(`  worst (all due, every timestamp read): ${ms(median(dueTimes)).toFixed(3)} ms median` +
    ` (${(median(dueTimes) / SOCKETS).toFixed(1)} ns per socket), max ${ms(Math.max(...dueTimes)).toFixed(3)} ms`);
  console.log(`  the sweep after a worst one:        ${ms(afterDue).toFixed(3)} ms (each socket is read once per timeout at most)`);
  console.log(`  target: a sweep of ${SOCKETS} under 1 ms`);
  console.log(`  socket.lastActivity read alone:     ${readNs.toFixed(1)} ns per socket` +
    ` (${ms(readNs * SOCKETS).toFixed(3)} ms for ${SOCKETS})`);
  console.log(`\n1-byte ping-pong over one connection (median of ${PING_PONG_ROUNDS} x ${ROUND_TRIPS} round trips):`);
  console.log(`  not watched:               ${none.toFixed(0)} round trips/s`);
  console.log(`  watched, idle 'any':       ${any.toFixed(0)} round trips/s (${perOp(any)} ns per operation)`);
  console.log(`  watched, idle 'read':      ${read.toFixed(0)} round trips/s (${perOp(read)} ns per operation)`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
