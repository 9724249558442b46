'use strict';
// Benchmarks codec's compiled Struct and record functions against hand-written
// Buffer code and JSON for the same 10-field message. Build first (tsc), then:
//   node bench/codec.js
const codec = require('../dist/codec');

const ROUNDS = 7;
const ITERATIONS = 200000;

// The same 10 fields three ways: a record (C layout), a struct format, and by hand.
const Sample = codec.record({
  id: 'uint32', seq: 'uint32', kind: 'uint8', flags: 'uint16', x: 'float64',
  y: 'float64', z: 'float32', count: 'int32', delta: 'int16', ok: 'bool',
});
// The struct format with the record's C padding spelled out, so all three write identical bytes.
const FORMAT = '<IIBxH4xddfih?5x';
const SampleStruct = new codec.Struct(FORMAT);
const value = { id: 123456, seq: 42, kind: 7, flags: 0x1234, x: 1.25, y: -3.5, z: 0.5, count: -100000, delta: -12, ok: true };
const values = [value.id, value.seq, value.kind, value.flags, value.x, value.y, value.z, value.count, value.delta, value.ok];

// What a careful programmer writes without a codec: the same C layout, Buffer methods, padding zeroed.
function handEncode(v) {
  const b = Buffer.allocUnsafe(48);
  b.writeUInt32LE(v.id, 0);
  b.writeUInt32LE(v.seq, 4);
  b.writeUInt8(v.kind, 8);
  b[9] = 0;
  b.writeUInt16LE(v.flags, 10);
  b.fill(0, 12, 16);
  b.writeDoubleLE(v.x, 16);
  b.writeDoubleLE(v.y, 24);
  b.writeFloatLE(v.z, 32);
  b.writeInt32LE(v.count, 36);
  b.writeInt16LE(v.delta, 40);
  b.writeUInt8(v.ok ? 1 : 0, 42);
  b.fill(0, 43, 48);
  return b;
}

function handDecode(b) {
  return {
    id: b.readUInt32LE(0), seq: b.readUInt32LE(4), kind: b.readUInt8(8), flags: b.readUInt16LE(10), x: b.readDoubleLE(16),
    y: b.readDoubleLE(24), z: b.readFloatLE(32), count: b.readInt32LE(36), delta: b.readInt16LE(40), ok: b[42] !== 0,
  };
}

const recordBytes = Sample.encode(value);
const structBytes = SampleStruct.pack(...values);
const handBytes = handEncode(value);
const json = JSON.stringify(value);
if (!structBytes.equals(handBytes) || !recordBytes.equals(handBytes)) throw new Error('the three encodings differ');

// Each case gets its own copy of the timing loop (compiled from the same source), so the JIT
// specialises the loop to that one function instead of sharing one polymorphic call site.
const TIMING_LOOP = `
  let best = Infinity, last;
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) last = fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / iterations);
  }
  if (last === undefined) throw new Error('no result');
  return best;`;
function measure(fn) {
  const loop = new Function('fn', 'rounds', 'iterations', 'process', TIMING_LOOP);
  loop(fn, 1, 50000, process);   // warm-up
  return loop(fn, ROUNDS, ITERATIONS, process);
}

const cases = [
  ['encode', 'hand-written Buffer.write*', () => handEncode(value)],
  ['encode', 'record.encode', () => Sample.encode(value)],
  ['encode', 'Struct.pack', () => SampleStruct.pack(value.id, value.seq, value.kind, value.flags, value.x, value.y, value.z, value.count, value.delta, value.ok)],
  ['encode', 'codec.pack(format, ...)', () => codec.pack(FORMAT, value.id, value.seq, value.kind, value.flags, value.x, value.y, value.z, value.count, value.delta, value.ok)],
  ['encode', 'JSON.stringify', () => JSON.stringify(value)],
  ['decode', 'hand-written Buffer.read*', () => handDecode(handBytes)],
  ['decode', 'record.decode', () => Sample.decode(recordBytes)],
  ['decode', 'Struct.unpack', () => SampleStruct.unpack(structBytes)],
  ['decode', 'codec.unpack(format, ...)', () => codec.unpack(FORMAT, structBytes)],
  ['decode', 'JSON.parse', () => JSON.parse(json)],
];

const results = cases.map(([op, name, fn]) => ({ op, name, ns: measure(fn) }));
const baseline = Object.fromEntries(results.filter((r) => r.name.startsWith('hand')).map((r) => [r.op, r.ns]));
console.log(`node ${process.version}, 10-field message, best of ${ROUNDS} rounds of ${ITERATIONS} calls`);
console.log('');
console.log(`${'operation'.padEnd(10)}${'implementation'.padEnd(30)}${'ns/op'.padStart(10)}${'ops/s'.padStart(14)}${'vs hand'.padStart(10)}`);
for (const r of results) {
  console.log(`${r.op.padEnd(10)}${r.name.padEnd(30)}${r.ns.toFixed(1).padStart(10)}${Math.round(1e9 / r.ns).toLocaleString('en-US').padStart(14)}${(r.ns / baseline[r.op]).toFixed(2).padStart(9)}x`);
}
