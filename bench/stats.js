'use strict';
// Small statistics and formatting helpers for bench/run.js.

/** The median of a list of numbers (the mean of the two middle ones if even). */
function median(values) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function min(values) { return values.length ? Math.min(...values) : NaN; }
function max(values) { return values.length ? Math.max(...values) : NaN; }

/** A number with 3 significant figures and thousands separators ("12,300", "1.23"). */
function formatNumber(value) {
  if (!Number.isFinite(value)) return String(value);
  const rounded = Number(value.toPrecision(3));
  return Math.abs(rounded) >= 1000 ? Math.round(rounded).toLocaleString('en-US') : String(rounded);
}

/** Left-aligned text columns separated by " | ". */
function table(header, rows) {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => cells.map((cell, i) => String(cell).padEnd(widths[i])).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

module.exports = { median, min, max, formatNumber, table };
