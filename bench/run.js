'use strict';
// npm run bench: winsock against Node's own net/dgram, scenario by scenario,
// in two process shapes: 'same' (server and client in this process) and
// 'child' (the client forked). One warm-up then --rounds rounds (5) per impl,
// alternating impls so drift hits both; the table shows medians.
//   node bench/run.js [--quick] [--json] [--rounds N] [--scale F] [--only a,b] [--shape same|child|both] [--subscribe] [--wine-server]
// --subscribe puts a subscriber on the trace channels (winsock:call and
// winsock:state) that formats every message, in this process and the
// children: what tracing costs when someone listens. Without it nobody
// subscribes, and each call pays one hasSubscribers check.
// --wine-server runs the servers of the http scenarios in the Windows
// node.exe under Wine, wrk and this process on Linux (bench:win32 does).
// --scale F runs F times the full counts (bench:win32 uses 0.1: Wine is slow).
// A scenario that fails shows its error in its row and makes the exit code 1.
// Build first: npx tsc -p tsconfig.json (and the addon, npm run build:native).
const os = require('node:os');
const { closeAll, subscribe, winsock } = require('./harness');
const { median, min, max, formatNumber, table } = require('./stats');

const SCENARIOS = ['tcp-pingpong', 'tcp-pingpong-fast', 'tcp-bulk', 'udp-pingpong', 'udp-burst', 'http', 'http-pipelined', 'churn',
  'idle-memory'];
const IMPLS = ['winsock', 'node'];

function parseArgs(argv) {
  const options = { quick: false, json: false, rounds: 5, scale: 1, only: SCENARIOS, shapes: ['same', 'child'], subscribe: false,
    wineServer: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--quick') options.quick = true;
    else if (arg === '--json') options.json = true;
    else if (arg === '--subscribe') options.subscribe = true;
    else if (arg === '--wine-server') options.wineServer = true;
    else if (arg === '--scale') {
      options.scale = Number(value());
      if (!(options.scale > 0 && options.scale <= 1)) throw new Error('--scale takes a number in (0, 1]');
    }
    else if (arg === '--rounds') {
      options.rounds = Number(value());
      if (!Number.isInteger(options.rounds) || options.rounds < 1) throw new Error('--rounds takes an integer >= 1');
    } else if (arg === '--only') {
      options.only = value().split(',');
      const unknown = options.only.filter((name) => !SCENARIOS.includes(name));
      if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`);
    } else if (arg === '--shape') {
      const shape = value();
      if (!['same', 'child', 'both'].includes(shape)) throw new Error('--shape takes same, child or both');
      options.shapes = shape === 'both' ? ['same', 'child'] : [shape];
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`usage: node bench/run.js [--quick] [--json] [--rounds N] [--scale F] [--only ${SCENARIOS.join(',')}] [--shape same|child|both] [--subscribe] [--wine-server]\n`);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}`);
  }
  if (options.quick) options.rounds = Math.min(options.rounds, 1);
  return options;
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus.length ? cpus[0].model.trim() : 'unknown',
    cores: cpus.length,
    platform: `${process.platform} ${os.release()} ${process.arch}`,
    node: process.version,
    backend: winsock.backend,
    description: winsock.description,
    underWine: Boolean(winsock.underWine),
    traceSubscriber: Boolean(process.env.WINSOCK_BENCH_SUBSCRIBE),
  };
}

/** What a scenario measures: its metrics, or its one unit. */
function metricsOf(scenario) {
  return scenario.metrics ?? [{ key: 'value', unit: scenario.unit, better: scenario.better }];
}

// One run of one scenario, bounded in time so a hang becomes a failed row.
async function runOnce(scenario, params, timeoutMs) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    const value = await Promise.race([scenario.run(params), timeout]);
    // A scenario gives one number, or one a metric when it has several.
    const figures = scenario.metrics ? value : { value };
    for (const key of metricsOf(scenario).map((metric) => metric.key)) {
      if (typeof figures?.[key] !== 'number' || !Number.isFinite(figures[key])) throw new Error(`returned ${figures?.[key]} for ${key}, not a number`);
    }
    return figures;
  } finally {
    clearTimeout(timer);
    closeAll(); // whatever a failure or timeout left open
  }
}

/** The rounds of one scenario in one shape: a result (a table row) per metric. */
async function measure(scenario, shape, options, log) {
  const timeoutMs = options.quick ? 30000 : 300000;
  const metrics = metricsOf(scenario);
  const samples = { winsock: [], node: [] };
  const errors = {};
  // Memory is measured in fresh processes each time: nothing to warm up.
  const warmups = scenario.fixedShape || options.quick ? 0 : 1;
  for (let round = -warmups; round < options.rounds; round++) {
    for (const impl of IMPLS) {
      if (errors[impl]) continue;
      try {
        const params = { impl, shape, quick: options.quick, scale: options.scale, wineServer: options.wineServer };
        const figures = await runOnce(scenario, params, timeoutMs);
        const shown = metrics.map((metric) => `${formatNumber(figures[metric.key])} ${metric.unit}`).join(', ');
        log(`  ${scenario.name} [${shape}] ${impl} ${round < 0 ? 'warm-up' : `round ${round + 1}`}: ${shown}`);
        if (round >= 0) samples[impl].push(figures);
      } catch (error) {
        errors[impl] = error;
        log(`  ${scenario.name} [${shape}] ${impl} FAILED: ${error.stack || error}`);
      }
    }
  }
  return metrics.map((metric) => {
    const summary = (impl) => {
      const values = samples[impl].map((figures) => figures[metric.key]);
      return {
        median: median(values), min: min(values), max: max(values), samples: values,
        ...(errors[impl] ? { error: String(errors[impl].message || errors[impl]) } : {}),
      };
    };
    const result = {
      scenario: scenario.name, shape, unit: metric.unit, better: metric.better,
      ...(scenario.note ? { note: scenario.note(options) } : {}),
      winsock: summary('winsock'), node: summary('node'),
    };
    result.ratio = result.winsock.error || result.node.error ? null : result.winsock.median / result.node.median;
    return result;
  });
}

function cell(summary) {
  return summary.error ? `ERROR: ${summary.error}` : formatNumber(summary.median);
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  const log = (line) => process.stderr.write(line + '\n');
  if (options.subscribe) subscribe();
  const info = machine();
  if (!options.json) {
    process.stdout.write(`winsock bench${options.quick ? ' (--quick: tiny counts, a smoke test, not a measurement)' : ''}\n`);
    process.stdout.write(`cpu: ${info.cpu} x ${info.cores} cores; ${info.platform}; node ${info.node}\n`);
    process.stdout.write(`winsock backend: ${info.backend} (${info.description})${info.underWine ? ' under Wine' : ''}\n`);
    if (options.wineServer) process.stdout.write('http servers: the Windows node.exe under Wine, driven by wrk on Linux\n');
    process.stdout.write(`trace: ${options.subscribe ? 'a subscriber on winsock:call and winsock:state formats every message' : 'nobody subscribes'}\n`);
    process.stdout.write(`${options.rounds} round(s) per impl${options.quick ? '' : ' after 1 warm-up'}, medians; ratio = winsock / node` +
      `${options.scale < 1 ? `; counts x ${options.scale}` : ''}\n\n`);
  }
  const results = [];
  const skipped = [];
  for (const name of options.only) {
    const scenario = require(`./scenarios/${name}`);
    const unavailable = scenario.unavailable?.() ?? null;
    if (unavailable !== null) {
      log(`  ${scenario.name}: skipped: ${unavailable}`);
      skipped.push(`${scenario.name}: ${unavailable}`);
      continue;
    }
    const shapes = scenario.fixedShape ? [scenario.fixedShape] : options.shapes;
    for (const shape of shapes) results.push(...await measure(scenario, shape, options, log));
  }
  const failed = results.some((r) => r.winsock.error || r.node.error);
  if (options.json) {
    process.stdout.write(JSON.stringify({ machine: info, options, ok: !failed, results, skipped }, null, 2) + '\n');
  } else {
    const rows = results.map((r) => [
      r.scenario + (r.note ? ` (${r.note})` : ''), r.shape, r.unit,
      cell(r.winsock), cell(r.node), r.ratio === null ? '-' : r.ratio.toFixed(2),
      r.better === 'higher' ? 'ratio > 1 is better' : 'ratio < 1 is better',
    ]);
    process.stdout.write(table(['scenario', 'shape', 'unit', 'winsock', 'node', 'ratio', 'better'], rows) + '\n');
    for (const line of skipped) process.stdout.write(`skipped ${line}\n`);
  }
  process.exitCode = failed ? 1 : 0;
  // Everything is closed by now, so the process should end by itself; if a
  // handle stays alive (a leak in winsock?), say what it is and fail.
  setTimeout(() => {
    const handles = process._getActiveHandles?.().map((h) => h?.constructor?.name) ?? [];
    process.stderr.write(`bench: the process did not exit by itself; still open: ${handles.join(', ') || 'unknown'}\n`);
    process.exit(1);
  }, 10000).unref();
}

main().catch((error) => {
  process.stderr.write(`bench: ${error.stack || error}\n`);
  process.exitCode = 1;
});
