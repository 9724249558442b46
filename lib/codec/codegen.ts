/**
 * Code generation for the struct and record compilers. Each format or record
 * is compiled once into straight-line JavaScript that reads and writes bytes
 * directly, which is what makes it as fast as hand-written Buffer code.
 *
 * Safety: generated source contains only identifiers fixed in this file and
 * integer literals produced by `lit()`. No part of a format string, field
 * name or value is ever spliced into it; per-slot data (converters, field
 * names) reaches the code through arrays passed in as arguments.
 */
import * as bytes from './bytes';
import { latin1Text, terminatorIndex, utf16Text } from './text';

/** A fixed-size scalar slot in a layout. */
export interface ScalarSlot {
  kind: 'int' | 'bool' | 'char' | 'half' | 'float' | 'double';
  size: number;
  signed: boolean;
  littleEndian: boolean;
}

/** An integer literal for generated code; anything else is a bug, not data. */
export function lit(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`internal: ${n} is not an integer literal`);
  return String(n);
}

/** `o + offset` as generated code; `index` adds a loop variable's stride. */
export function position(offset: number, stride?: number): string {
  return stride === undefined ? `o + ${lit(offset)}` : `o + ${lit(offset)} + k * ${lit(stride)}`;
}

function plus(pos: string, n: number): string {
  return n === 0 ? pos : `${pos} + ${lit(n)}`;
}

/** Statements that store the converted value `v` (an identifier) at byte position `pos`. */
export function writeStatement(slot: ScalarSlot, pos: string, v: string): string {
  const le = slot.littleEndian;
  switch (slot.kind) {
    case 'bool':
    case 'char':
      return `b[${pos}] = ${v};`;
    case 'double':
      return `${le ? 'WF64LE' : 'WF64BE'}(b, ${pos}, ${v});`;
    case 'float':
      return `${le ? 'WF32LE' : 'WF32BE'}(b, ${pos}, ${v});`;
    case 'half':
    case 'int': {
      if (slot.size === 8) return `${le ? 'W64LE' : 'W64BE'}(b, ${pos}, ${v});`;
      const out: string[] = [];
      for (let i = 0; i < slot.size; i++) {
        const shift = 8 * (le ? i : slot.size - 1 - i);
        // Storing into a Uint8Array keeps the low 8 bits, so `>>>` is all the masking needed.
        out.push(`b[${plus(pos, i)}] = ${shift === 0 ? v : `${v} >>> ${lit(shift)}`};`);
      }
      return out.join(' ');
    }
  }
}

/** An expression that reads the slot at byte position `pos`. */
export function readExpression(slot: ScalarSlot, pos: string): string {
  const le = slot.littleEndian;
  const at = (i: number): string => `b[${plus(pos, le ? i : slot.size - 1 - i)}]`;
  switch (slot.kind) {
    case 'bool':
      return `(b[${pos}] !== 0)`;
    case 'char':
      return `COPY(b, ${pos}, 1)`;
    case 'double':
      return `${le ? 'RF64LE' : 'RF64BE'}(b, ${pos})`;
    case 'float':
      return `${le ? 'RF32LE' : 'RF32BE'}(b, ${pos})`;
    case 'half':
      return `HALF(${at(0)} | ${at(1)} << 8)`;
    case 'int':
      switch (slot.size) {
        case 1:
          return slot.signed ? `(${at(0)} << 24 >> 24)` : at(0);
        case 2:
          return slot.signed ? `((${at(0)} | ${at(1)} << 8) << 16 >> 16)` : `(${at(0)} | ${at(1)} << 8)`;
        case 4:
          return slot.signed
            ? `(${at(0)} | ${at(1)} << 8 | ${at(2)} << 16 | ${at(3)} << 24)`
            : `(${at(0)} + ${at(1)} * 256 + ${at(2)} * 65536 + ${at(3)} * 16777216)`;
        case 8:
          return `${slot.signed ? (le ? 'R64SLE' : 'R64SBE') : (le ? 'R64ULE' : 'R64UBE')}(b, ${pos})`;
      }
  }
  throw new Error(`internal: no reader for ${slot.kind}/${slot.size}`);
}

/** A fresh copy of `length` bytes, so decoded buffers never alias the input. */
function copyBytes(b: Uint8Array, p: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  out.set(b.subarray(p, p + length));
  return out;
}

/** Python's 's': the bytes, truncated or NUL-padded to `length`. */
function writeFixedBytes(b: Uint8Array, p: number, v: Uint8Array, length: number): void {
  const n = Math.min(v.length, length);
  b.set(n === v.length ? v : v.subarray(0, n), p);
  if (n < length) b.fill(0, p + n, p + length);
}

/** Python's 'p': a length byte (capped at 255), then the bytes, NUL-padded to `length`. */
function writePascal(b: Uint8Array, p: number, v: Uint8Array, length: number): void {
  if (length === 0) return;   // CPython writes out of bounds here; we write nothing
  const n = Math.min(v.length, length - 1);
  b[p] = Math.min(n, 255);
  b.set(n === v.length ? v : v.subarray(0, n), p + 1);
  if (n + 1 < length) b.fill(0, p + 1 + n, p + length);
}

function readPascal(b: Uint8Array, p: number, length: number): Buffer {
  if (length === 0) return Buffer.alloc(0);
  const n = Math.min(b[p], length - 1);
  return copyBytes(b, p + 1, n);
}

/** A char[N] field: latin1 text up to the first NUL. */
function readCharField(b: Uint8Array, p: number, length: number): string {
  return latin1Text(b, p, terminatorIndex(b, p, p + length, false));
}

/** A wchar[N] field: UTF-16LE text up to the first 0x0000 unit. */
function readWideCharField(b: Uint8Array, p: number, length: number): string {
  return utf16Text(b, p, terminatorIndex(b, p, p + length, true));
}

const RUNTIME: Record<string, unknown> = {
  W64LE: bytes.writeI64LE, W64BE: bytes.writeI64BE,
  R64SLE: bytes.readI64LE, R64ULE: bytes.readU64LE, R64SBE: bytes.readI64BE, R64UBE: bytes.readU64BE,
  WF32LE: bytes.writeF32LE, WF32BE: bytes.writeF32BE, RF32LE: bytes.readF32LE, RF32BE: bytes.readF32BE,
  WF64LE: bytes.writeF64LE, WF64BE: bytes.writeF64BE, RF64LE: bytes.readF64LE, RF64BE: bytes.readF64BE,
  HALF: bytes.fromHalfBits, COPY: copyBytes, WSTR: writeFixedBytes, WPSTR: writePascal, RPSTR: readPascal,
  RCHAR: readCharField, RWCHAR: readWideCharField,
};
const RUNTIME_NAMES = Object.keys(RUNTIME);
const RUNTIME_VALUES = RUNTIME_NAMES.map((name) => RUNTIME[name]);

/**
 * Evaluate generated `source` (a function body that returns something) with
 * the runtime helpers and `data` (an array of per-slot values: converters,
 * names, nested codecs) in scope as `D`.
 */
export function compile<T>(source: string, data: unknown[]): T {
  const factory = new Function(...RUNTIME_NAMES, 'D', source) as (...args: unknown[]) => T;
  return factory(...RUNTIME_VALUES, data);
}
