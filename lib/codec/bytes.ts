/**
 * Byte-level primitives shared by the struct and record compilers: floats
 * through a scratch typed array, 64-bit integers as two 32-bit halves, and
 * IEEE 754 half floats rounded exactly as CPython's PyFloat_Pack2 does.
 */

/** The byte order Python calls native ('@' and '='). */
export const hostLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// One 8-byte scratch area seen as a double, a float and bytes; JavaScript is single-threaded,
// so sharing it is safe, and it is how Node's own Buffer float methods work.
const scratch = new ArrayBuffer(8);
const scratchF64 = new Float64Array(scratch);
const scratchF32 = new Float32Array(scratch);
const scratchU8 = new Uint8Array(scratch);
// Index of byte i of the little-endian representation inside the scratch area.
const L0 = hostLittleEndian ? 0 : 7, L1 = hostLittleEndian ? 1 : 6, L2 = hostLittleEndian ? 2 : 5, L3 = hostLittleEndian ? 3 : 4;
const L4 = hostLittleEndian ? 4 : 3, L5 = hostLittleEndian ? 5 : 2, L6 = hostLittleEndian ? 6 : 1, L7 = hostLittleEndian ? 7 : 0;
const F0 = hostLittleEndian ? 0 : 3, F1 = hostLittleEndian ? 1 : 2, F2 = hostLittleEndian ? 2 : 1, F3 = hostLittleEndian ? 3 : 0;

export function writeF64LE(b: Uint8Array, p: number, v: number): void {
  scratchF64[0] = v;
  b[p] = scratchU8[L0]; b[p + 1] = scratchU8[L1]; b[p + 2] = scratchU8[L2]; b[p + 3] = scratchU8[L3];
  b[p + 4] = scratchU8[L4]; b[p + 5] = scratchU8[L5]; b[p + 6] = scratchU8[L6]; b[p + 7] = scratchU8[L7];
}

export function writeF64BE(b: Uint8Array, p: number, v: number): void {
  scratchF64[0] = v;
  b[p] = scratchU8[L7]; b[p + 1] = scratchU8[L6]; b[p + 2] = scratchU8[L5]; b[p + 3] = scratchU8[L4];
  b[p + 4] = scratchU8[L3]; b[p + 5] = scratchU8[L2]; b[p + 6] = scratchU8[L1]; b[p + 7] = scratchU8[L0];
}

export function readF64LE(b: Uint8Array, p: number): number {
  scratchU8[L0] = b[p]; scratchU8[L1] = b[p + 1]; scratchU8[L2] = b[p + 2]; scratchU8[L3] = b[p + 3];
  scratchU8[L4] = b[p + 4]; scratchU8[L5] = b[p + 5]; scratchU8[L6] = b[p + 6]; scratchU8[L7] = b[p + 7];
  return scratchF64[0];
}

export function readF64BE(b: Uint8Array, p: number): number {
  scratchU8[L7] = b[p]; scratchU8[L6] = b[p + 1]; scratchU8[L5] = b[p + 2]; scratchU8[L4] = b[p + 3];
  scratchU8[L3] = b[p + 4]; scratchU8[L2] = b[p + 5]; scratchU8[L1] = b[p + 6]; scratchU8[L0] = b[p + 7];
  return scratchF64[0];
}

export function writeF32LE(b: Uint8Array, p: number, v: number): void {
  scratchF32[0] = v;
  b[p] = scratchU8[F0]; b[p + 1] = scratchU8[F1]; b[p + 2] = scratchU8[F2]; b[p + 3] = scratchU8[F3];
}

export function writeF32BE(b: Uint8Array, p: number, v: number): void {
  scratchF32[0] = v;
  b[p] = scratchU8[F3]; b[p + 1] = scratchU8[F2]; b[p + 2] = scratchU8[F1]; b[p + 3] = scratchU8[F0];
}

export function readF32LE(b: Uint8Array, p: number): number {
  scratchU8[F0] = b[p]; scratchU8[F1] = b[p + 1]; scratchU8[F2] = b[p + 2]; scratchU8[F3] = b[p + 3];
  return scratchF32[0];
}

export function readF32BE(b: Uint8Array, p: number): number {
  scratchU8[F3] = b[p]; scratchU8[F2] = b[p + 1]; scratchU8[F1] = b[p + 2]; scratchU8[F0] = b[p + 3];
  return scratchF32[0];
}

const TWO_32 = 4294967296;

/** The high 32 bits (two's complement) of a 64-bit integer given as a safe number or a bigint. */
function high32(v: number | bigint): number {
  return typeof v === 'number' ? Math.floor(v / TWO_32) >>> 0 : Number(BigInt.asUintN(32, v >> 32n));
}

function low32(v: number | bigint): number {
  return typeof v === 'number' ? (v - Math.floor(v / TWO_32) * TWO_32) : Number(BigInt.asUintN(32, v));
}

export function writeI64LE(b: Uint8Array, p: number, v: number | bigint): void {
  const lo = low32(v), hi = high32(v);
  b[p] = lo; b[p + 1] = lo >>> 8; b[p + 2] = lo >>> 16; b[p + 3] = lo >>> 24;
  b[p + 4] = hi; b[p + 5] = hi >>> 8; b[p + 6] = hi >>> 16; b[p + 7] = hi >>> 24;
}

export function writeI64BE(b: Uint8Array, p: number, v: number | bigint): void {
  const lo = low32(v), hi = high32(v);
  b[p] = hi >>> 24; b[p + 1] = hi >>> 16; b[p + 2] = hi >>> 8; b[p + 3] = hi;
  b[p + 4] = lo >>> 24; b[p + 5] = lo >>> 16; b[p + 6] = lo >>> 8; b[p + 7] = lo;
}

export function readI64LE(b: Uint8Array, p: number): bigint {
  const lo = b[p] + b[p + 1] * 0x100 + b[p + 2] * 0x10000 + b[p + 3] * 0x1000000;
  const hi = b[p + 4] | (b[p + 5] << 8) | (b[p + 6] << 16) | (b[p + 7] << 24);
  return (BigInt(hi) << 32n) + BigInt(lo);
}

export function readU64LE(b: Uint8Array, p: number): bigint {
  const lo = b[p] + b[p + 1] * 0x100 + b[p + 2] * 0x10000 + b[p + 3] * 0x1000000;
  const hi = b[p + 4] + b[p + 5] * 0x100 + b[p + 6] * 0x10000 + b[p + 7] * 0x1000000;
  return (BigInt(hi) << 32n) + BigInt(lo);
}

export function readI64BE(b: Uint8Array, p: number): bigint {
  const hi = (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
  const lo = b[p + 4] * 0x1000000 + b[p + 5] * 0x10000 + b[p + 6] * 0x100 + b[p + 7];
  return (BigInt(hi) << 32n) + BigInt(lo);
}

export function readU64BE(b: Uint8Array, p: number): bigint {
  const hi = b[p] * 0x1000000 + b[p + 1] * 0x10000 + b[p + 2] * 0x100 + b[p + 3];
  const lo = b[p + 4] * 0x1000000 + b[p + 5] * 0x10000 + b[p + 6] * 0x100 + b[p + 7];
  return (BigInt(hi) << 32n) + BigInt(lo);
}

/** frexp(): x = mantissa * 2**exponent with 0.5 <= |mantissa| < 1, for finite non-zero x. */
function frexp(x: number): [mantissa: number, exponent: number] {
  scratchF64[0] = x;
  let exponent = ((scratchU8[L7] & 0x7f) << 4) | (scratchU8[L6] >> 4);
  if (exponent === 0) {
    // Subnormal: scale into the normal range first (exact, a power of two).
    const [m, e] = frexp(x * 2 ** 64);
    return [m, e - 64];
  }
  exponent -= 1022;
  return [x / 2 ** exponent, exponent];
}

/**
 * The 16 bits of an IEEE 754 half float for `x`, rounded half to even, or
 * null when |x| is too large (CPython raises OverflowError there). A port of
 * PyFloat_Pack2 so that rounding and overflow match Python's bit for bit.
 */
export function halfBits(x: number): number | null {
  let sign: number, e: number, bits: number;
  if (x === 0) {
    sign = Object.is(x, -0) ? 1 : 0;
    e = 0;
    bits = 0;
  } else if (x === Infinity || x === -Infinity) {
    sign = x < 0 ? 1 : 0;
    e = 0x1f;
    bits = 0;
  } else if (Number.isNaN(x)) {
    sign = 0;   // a NaN's sign bit is not observable from JavaScript
    e = 0x1f;
    bits = 512;
  } else {
    sign = x < 0 ? 1 : 0;
    if (sign) x = -x;
    let f: number;
    [f, e] = frexp(x);
    f *= 2;     // normalise to [1, 2)
    e--;
    if (e >= 16) return null;
    if (e < -25) {          // |x| < 2**-25: underflows to zero
      f = 0;
      e = 0;
    } else if (e < -14) {   // gradual underflow into the subnormals
      f = f * 2 ** (14 + e);
      e = 0;
    } else {
      e += 15;
      f -= 1;
    }
    f *= 1024;
    bits = Math.trunc(f);
    if (f - bits > 0.5 || (f - bits === 0.5 && bits % 2 === 1)) {
      bits++;
      if (bits === 1024) {  // the carry ran out of ten 1 bits
        bits = 0;
        e++;
        if (e === 31) return null;
      }
    }
  }
  return bits | (e << 10) | (sign << 15);
}

/** The number a half float's 16 bits stand for. */
export function fromHalfBits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0x1f) return f === 0 ? sign * Infinity : NaN;
  if (e === 0) return sign * f * 2 ** -24;
  return sign * (1024 + f) * 2 ** (e - 25);
}
