'use strict';
// What tracing costs a call: the same operations with the addon's own
// methods (no wrapper at all), with the trace wrappers and nobody
// subscribed (one hasSubscribers check), and with a subscriber on
// winsock:call that formats each message. Each measurement is a process of
// its own in one mode from its start (switching the methods back and forth
// in one process would measure V8's reaction to that instead); the modes
// alternate, round after round, and the table shows medians. Build first
// (npm run build:ts):
//   node bench/trace.js [--quick] [--rounds N]
const { execFileSync } = require('node:child_process');
const { median, formatNumber, table } = require('./stats');

const MODES = {
  unwrapped: 'addon methods, unwrapped',
  wrapped: 'wrapped, nobody subscribes',
  subscribed: 'wrapped, a subscriber formats each call',
};

// ---- one measurement, in a child process --------------------------------

async function measure(mode, quick) {
  const diagnosticsChannel = require('node:diagnostics_channel');
  const { unwrapForBenchmark } = require('../dist/trace');
  if (mode === 'unwrapped') unwrapForBenchmark();
  const { Socket, formatCall } = require('../dist');
  let formatted = 0;
  if (mode === 'subscribed') diagnosticsChannel.subscribe('winsock:call', (message) => { formatted += formatCall(message).length; });

  const syncCalls = quick ? 2000 : 200000;
  const roundTrips = quick ? 200 : 10000;
  const listener = new Socket().bind({ address: '127.0.0.1', port: 0 }).listen();
  const client = new Socket();
  const [server] = await Promise.all([listener.accept(), client.connect(listener.localAddress())]);
  listener.close();
  client.setOption('TCP_NODELAY', true);
  server.setOption('TCP_NODELAY', true);
  const message = Buffer.alloc(64, 0x61);
  const operations = {
    'bytesAvailable() (ioctl FIONREAD)': async () => {
      for (let i = 0; i < syncCalls; i++) client.bytesAvailable();
      return syncCalls;
    },
    "getOption('TCP_NODELAY') (getsockopt)": async () => {
      for (let i = 0; i < syncCalls; i++) client.getOption('TCP_NODELAY');
      return syncCalls;
    },
    'send + recv of 64 bytes each way (a round trip)': async () => {
      for (let i = 0; i < roundTrips; i++) {
        await client.send(message);
        await server.recv(64, { waitAll: true });
        await server.send(message);
        await client.recv(64, { waitAll: true });
      }
      return roundTrips;
    },
  };
  const result = {};
  for (const [name, run] of Object.entries(operations)) {
    if (!quick) await run();  // warm-up
    const start = process.hrtime.bigint();
    const count = await run();
    result[name] = Number(process.hrtime.bigint() - start) / count;
  }
  client.close();
  server.close();
  if (mode === 'subscribed' && formatted === 0) throw new Error('the subscriber saw no message');
  return result;
}

// ---- the rounds, in the parent -----------------------------------------

function main() {
  const quick = process.argv.includes('--quick');
  const at = process.argv.indexOf('--rounds');
  const rounds = at !== -1 ? Number(process.argv[at + 1]) : quick ? 1 : 9;
  const { backend, description } = require('../dist');
  console.log(`winsock trace cost${quick ? ' (--quick: a smoke run, not a measurement)' : ''}`);
  console.log(`backend: ${backend} (${description}); node ${process.version}; ${rounds} round(s) of one process a mode, ` +
    'medians, ns per operation\n');
  const samples = {};
  for (let round = 0; round < rounds; round++) {
    // Alternate the order, so that drift hits every mode alike.
    const modes = Object.keys(MODES);
    if (round % 2 === 1) modes.reverse();
    for (const mode of modes) {
      const output = execFileSync(process.execPath, [__filename, '--child', mode, ...(quick ? ['--quick'] : [])], { encoding: 'utf8' });
      for (const [operation, ns] of Object.entries(JSON.parse(output))) ((samples[operation] ??= {})[mode] ??= []).push(ns);
    }
  }
  const rows = Object.entries(samples).map(([operation, byMode]) => {
    const base = median(byMode.unwrapped);
    return [operation, ...Object.keys(MODES).map((mode) => {
      const value = median(byMode[mode]);
      if (mode === 'unwrapped') return formatNumber(value);
      const change = ((value - base) / base) * 100;
      return `${formatNumber(value)} (${change >= 0 ? '+' : ''}${formatNumber(change)}%)`;
    })];
  });
  console.log(table(['operation (ns each)', ...Object.values(MODES)], rows));
}

if (process.argv[2] === '--child') {
  measure(process.argv[3], process.argv.includes('--quick')).then((result) => {
    process.stdout.write(JSON.stringify(result));
  }, (error) => {
    console.error(error);
    process.exitCode = 1;
  });
} else {
  main();
}
