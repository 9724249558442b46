'use strict';
// npm run bench: winsock against Node's own net/dgram, scenario by scenario,
// in two process shapes: 'same' (server and client in this process) and
// 'child' (the client forked), with anchors in the same run (bench/variants.js):
// winsock on its other Linux engine, Bun running the node impl, and the C
// loop (bench/anchor/loop.c). One warm-up then --rounds rounds (5) per
// column, alternating columns so drift hits all; the table shows medians
// and each column's ratio to node.
//   node bench/run.js [--quick] [--json] [--save FILE] [--rounds N] [--scale F] [--only a,b] [--shape same|child|both] [--subscribe] [--wine-server]
// --json prints the report as JSON instead of the table; --save FILE writes
// that JSON to FILE as well as printing the table.
// --subscribe puts a subscriber on the trace channels (winsock:call and
// winsock:state) that formats every message, in this process and the
// children: what tracing costs when someone listens. Without it nobody
// subscribes, and each call pays one hasSubscribers check.
// --wine-server runs the servers of the http scenarios in the Windows
// node.exe under Wine, wrk and this process on Linux (bench:win32 does).
// --scale F runs F times the full counts (bench:win32 uses 0.1: Wine is slow).
// A scenario that fails shows its error in its row and makes the exit code 1.
// Build first: npx tsc -p tsconfig.json (and the addon, npm run build:native).
const fs = require('node:fs');
const os = require('node:os');
const { closeAll, subscribe, winsock } = require('./harness');
const { median, min, max, formatNumber, table } = require('./stats');
const { variants } = require('./variants');

const SCENARIOS = ['tcp-pingpong', 'tcp-pingpong-many', 'tcp-pingpong-fast', 'tcp-bulk', 'udp-pingpong', 'udp-burst', 'http', 'http-pipelined', 'churn',
  'idle-memory'];

function parseArgs(argv) {
  const options = { quick: false, json: false, save: null, rounds: 5, scale: 1, only: SCENARIOS, shapes: ['same', 'child'], subscribe: false,
    wineServer: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--quick') options.quick = true;
    else if (arg === '--json') options.json = true;
    else if (arg === '--save') options.save = value();
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
      process.stdout.write(`usage: node bench/run.js [--quick] [--json] [--save FILE] [--rounds N] [--scale F] [--only ${SCENARIOS.join(',')}] [--shape same|child|both] [--subscribe] [--wine-server]\n`);
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
    engine: winsock.engine,
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
async function runOnce(scenario, run, params, timeoutMs) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    const value = await Promise.race([run(params), timeout]);
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

/** The rounds of one scenario in one shape, per column: a result (a table row) per metric. */
async function measure(scenario, shape, options, columns, log) {
  const timeoutMs = options.quick ? 60000 : 600000;
  const metrics = metricsOf(scenario);
  const base = { shape, quick: options.quick, scale: options.scale, wineServer: options.wineServer };
  const samples = Object.fromEntries(columns.map((column) => [column.name, []]));
  const errors = {};
  const unavailable = {};
  for (const column of columns) {
    const reason = column.unavailable ?? column.unavailableFor?.(scenario, base) ?? null;
    if (reason !== null) unavailable[column.name] = reason;
  }
  // Memory is measured in fresh processes each time: nothing to warm up.
  const warmups = scenario.fixedShape || options.quick ? 0 : 1;
  for (let round = -warmups; round < options.rounds; round++) {
    for (const column of columns) {
      if (errors[column.name] || unavailable[column.name]) continue;
      try {
        const figures = await runOnce(scenario, (params) => column.run(scenario, params), base, timeoutMs);
        const shown = metrics.map((metric) => `${formatNumber(figures[metric.key])} ${metric.unit}`).join(', ');
        log(`  ${scenario.name} [${shape}] ${column.label} ${round < 0 ? 'warm-up' : `round ${round + 1}`}: ${shown}`);
        if (round >= 0) samples[column.name].push(figures);
      } catch (error) {
        errors[column.name] = error;
        log(`  ${scenario.name} [${shape}] ${column.label} FAILED: ${error.stack || error}`);
      }
    }
  }
  return metrics.map((metric) => {
    const summary = (name) => {
      if (unavailable[name]) return { unavailable: unavailable[name] };
      const values = samples[name].map((figures) => figures[metric.key]);
      return {
        median: median(values), min: min(values), max: max(values), samples: values,
        ...(errors[name] ? { error: String(errors[name].message || errors[name]) } : {}),
      };
    };
    const result = {
      scenario: scenario.name, shape, unit: metric.unit, better: metric.better,
      ...(scenario.note ? { note: scenario.note(options) } : {}),
      ...Object.fromEntries(columns.map((column) => [column.name, summary(column.name)])),
    };
    const ratioToNode = (name) => (hasMedian(result[name]) && hasMedian(result.node) ? result[name].median / result.node.median : null);
    result.ratio = ratioToNode('winsock');
    result.ratios = Object.fromEntries(columns.filter((column) => column.name !== 'node').map((column) => [column.name, ratioToNode(column.name)]));
    return result;
  });
}

function hasMedian(summary) {
  return !summary.error && !summary.unavailable && Number.isFinite(summary.median);
}

function cell(summary) {
  if (summary.unavailable) return '-';
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
    process.stdout.write(`winsock backend: ${info.backend} (${info.description})${info.underWine ? ' under Wine' : ''}; engine ${info.engine}\n`);
    if (options.wineServer) process.stdout.write('http servers: the Windows node.exe under Wine, driven by wrk on Linux\n');
    process.stdout.write(`trace: ${options.subscribe ? 'a subscriber on winsock:call and winsock:state formats every message' : 'nobody subscribes'}\n`);
    process.stdout.write(`${options.rounds} round(s) per column${options.quick ? '' : ' after 1 warm-up'}, medians; ratio = winsock / node, X/node = column X / node` +
      `${options.scale < 1 ? `; counts x ${options.scale}` : ''}\n\n`);
  }
  const columns = variants(options);
  for (const column of columns) {
    if (column.unavailable) log(`  column ${column.label}: none: ${column.unavailable}`);
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
    for (const shape of shapes) results.push(...await measure(scenario, shape, options, columns, log));
  }
  const failed = results.some((r) => columns.some((column) => r[column.name].error));
  const columnsShown = columns.map(({ name, label, short, unavailable }) => ({ name, label, short, ...(unavailable ? { unavailable } : {}) }));
  const report = JSON.stringify({ machine: info, options, columns: columnsShown, ok: !failed, results, skipped }, null, 2) + '\n';
  if (options.save) fs.writeFileSync(options.save, report);
  if (options.json) {
    process.stdout.write(report);
  } else {
    const shown = columns.filter((column) => !column.unavailable); // the rest say why below the table
    const anchors = shown.filter((column) => !['winsock', 'node'].includes(column.name));
    const ratio = (value) => (value === null ? '-' : value.toFixed(2));
    const rows = results.map((r) => [
      r.scenario + (r.note ? ` (${r.note})` : ''), r.shape, r.unit,
      ...shown.map((column) => cell(r[column.name])),
      ratio(r.ratio), ...anchors.map((column) => ratio(r.ratios[column.name])),
      r.better === 'higher' ? 'ratio > 1 is better' : 'ratio < 1 is better',
    ]);
    const header = ['scenario', 'shape', 'unit', ...shown.map((column) => column.label), 'ratio',
      ...anchors.map((column) => `${column.short}/node`), 'better'];
    process.stdout.write(table(header, rows) + '\n');
    for (const column of columns) {
      if (column.unavailable) process.stdout.write(`no ${column.label} column: ${column.unavailable}\n`);
    }
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
