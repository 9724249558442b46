'use strict';
// The README's benchmark table from a saved report (node bench/run.js
// --save FILE): one row per scenario with the peer in another process
// (shape 'child'), the first metric of each, every column's median and
// each column's ratio to node.
//   node bench/markdown.js FILE
const fs = require('node:fs');
const { formatNumber } = require('./stats');

// What the README shows of each scenario: its first metric, child shape.
const LABELS = {
  'tcp-pingpong': 'tcp-pingpong (`await`)',
  'tcp-pingpong-many': 'tcp-pingpong-many (`await`, 50 connections)',
  'tcp-pingpong-fast': 'tcp-pingpong-fast (`startReading()` + `write()`)',
  'tcp-bulk': 'tcp-bulk (`write()` → `startReading()`)',
  'udp-pingpong': 'udp-pingpong',
  'udp-burst': 'udp-burst (sender in a child)',
  http: 'http (wrk, 50 connections)',
  'http-pipelined': 'http-pipelined (16 pipelined)',
  churn: 'churn (4 at a time)',
  'idle-memory': 'idle-memory (10,000 connections)',
};

function main() {
  const file = process.argv[2];
  if (!file) throw new Error('usage: node bench/markdown.js REPORT.json');
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  const columns = report.columns.filter((column) => !column.unavailable);
  const others = columns.filter((column) => column.name !== 'node');
  const seen = new Set();
  const rows = [];
  for (const result of report.results) {
    if (result.shape !== 'child' || seen.has(result.scenario)) continue;
    seen.add(result.scenario);
    const value = (summary) => (summary.median === undefined || summary.error || summary.unavailable ? '-' : formatNumber(summary.median));
    const ratio = (name) => (result.ratios?.[name] == null ? '-' : result.ratios[name].toFixed(2));
    rows.push([LABELS[result.scenario] ?? result.scenario, result.unit, ...columns.map((column) => value(result[column.name])),
      ...others.map((column) => ratio(column.name))]);
  }
  const header = ['scenario', 'unit', ...columns.map((column) => column.label), ...others.map((column) => `${column.short ?? column.label} / node`)];
  const line = (cells) => `| ${cells.join(' | ')} |`;
  process.stdout.write([line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n') + '\n');
}

try {
  main();
} catch (error) {
  process.stderr.write(`markdown: ${error.message}\n`);
  process.exitCode = 2;
}
