'use strict';
// What tracing costs a call: the same operations with the addon's own
// methods (no wrapper at all), with the trace wrappers and nobody
// subscribed (one hasSubscribers check), and with a subscriber on
// winsock:call that formats each message. Rounds alternate the three, so
// drift hits all; the table shows medians. Build first (npm run build:ts):
//   node bench/trace.js [--quick]
const diagnosticsChannel = require('node:diagnostics_channel');
const { Socket, backend, description, formatCall } = require('../dist');
const { unwrapForBenchmark } = require('../dist/trace');
const { median, formatNumber, table } = require('./stats');

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 1 : 7;
const SYNC_CALLS = quick ? 2000 : 300000;
const ROUND_TRIPS = quick ? 200 : 20000;

async function pair() {
  const listener = new Socket().bind({ address: '127.0.0.1', port: 0 }).listen();
  const client = new Socket();
  const [server] = await Promise.all([listener.accept(), client.connect(listener.localAddress())]);
  listener.close();
  client.setOption('TCP_NODELAY', true);
  server.setOption('TCP_NODELAY', true);
  return [client, server];
}

const message = Buffer.alloc(64, 0x61);

// Each operation: nanoseconds per call (or per round trip).
const OPERATIONS = {
  'bytesAvailable() (ioctl FIONREAD)': async ([client]) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < SYNC_CALLS; i++) client.bytesAvailable();
    return Number(process.hrtime.bigint() - start) / SYNC_CALLS;
  },
  "getOption('TCP_NODELAY') (getsockopt)": async ([client]) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < SYNC_CALLS; i++) client.getOption('TCP_NODELAY');
    return Number(process.hrtime.bigint() - start) / SYNC_CALLS;
  },
  'send + recv of 64 bytes each way (a round trip)': async ([client, server]) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < ROUND_TRIPS; i++) {
      await client.send(message);
      await server.recv(64, { waitAll: true });
      await server.send(message);
      await client.recv(64, { waitAll: true });
    }
    return Number(process.hrtime.bigint() - start) / ROUND_TRIPS;
  },
};

let formatted = 0;
const formatting = (msg) => { formatted += formatCall(msg).length; };

const MODES = {
  'addon methods, unwrapped': () => unwrapForBenchmark(),
  'wrapped, nobody subscribes': () => () => {},
  'wrapped, a subscriber formats each call': () => {
    diagnosticsChannel.subscribe('winsock:call', formatting);
    return () => diagnosticsChannel.unsubscribe('winsock:call', formatting);
  },
};

async function main() {
  console.log(`winsock trace cost${quick ? ' (--quick: a smoke run, not a measurement)' : ''}`);
  console.log(`backend: ${backend} (${description}); node ${process.version}; ${ROUNDS} round(s), medians, ns per operation\n`);
  const sockets = await pair();
  const samples = {};
  try {
    for (let round = 0; round < ROUNDS + (quick ? 0 : 1); round++) {
      for (const [operation, run] of Object.entries(OPERATIONS)) {
        for (const [mode, enter] of Object.entries(MODES)) {
          const leave = enter();
          let ns;
          try {
            ns = await run(sockets);
          } finally {
            leave();
          }
          if (round === 0 && !quick) continue;  // the warm-up round
          ((samples[operation] ??= {})[mode] ??= []).push(ns);
        }
      }
    }
  } finally {
    for (const socket of sockets) socket.close();
  }
  const modes = Object.keys(MODES);
  const rows = Object.entries(samples).map(([operation, byMode]) => {
    const base = median(byMode[modes[0]]);
    return [operation, ...modes.map((mode) => {
      const value = median(byMode[mode]);
      return mode === modes[0] ? formatNumber(value) : `${formatNumber(value)} (${value >= base ? '+' : ''}${formatNumber(((value - base) / base) * 100)}%)`;
    })];
  });
  console.log(table(['operation (ns each)', ...modes], rows));
  if (formatted === 0) throw new Error('the subscriber saw no message');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
