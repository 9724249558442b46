/**
 * Value checks for packing: each turns a JavaScript value into what the
 * writer stores, or throws ERR_CODEC_RANGE where Python raises struct.error
 * (or OverflowError). They are shared by the struct and record compilers.
 */
import { types } from 'node:util';

import { rangeError } from './errors';
import { halfBits } from './bytes';

/** Turns one value into its stored form, or throws a CodecError. */
export type Converter = (value: unknown) => any;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return 'a string';
  if (types.isUint8Array(value)) return `a ${value.length}-byte buffer`;
  return typeof value;
}

/**
 * An integer check for a slot `bits` wide. Up to 32 bits the stored form is a
 * number; at 64 bits it is the value itself (a bigint, or a safe-integer number
 * the writer splits without bigint arithmetic).
 */
export function integerConverter(label: string, min: bigint, max: bigint): Converter {
  const minNumber = Number(min);
  const maxNumber = Number(max);
  const fail = (value: unknown): never => {
    if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
      throw rangeError(`${label} requires a bigint for ${value}, which is beyond Number.MAX_SAFE_INTEGER`);
    }
    if ((typeof value !== 'number' || !Number.isInteger(value)) && typeof value !== 'bigint') {
      throw rangeError(`${label} requires an integer, not ${describe(value)}`);
    }
    throw rangeError(`${label} requires ${min} <= number <= ${max}, not ${describe(value)}`);
  };
  if (max - min < 2n ** 53n) {
    return (value) => {
      if (typeof value === 'number') {
        if (value >= minNumber && value <= maxNumber && Number.isInteger(value)) return value;
      } else if (typeof value === 'bigint') {
        if (value >= min && value <= max) return Number(value);
      }
      return fail(value);
    };
  }
  return (value) => {
    if (typeof value === 'bigint') {
      if (value >= min && value <= max) return value;
    } else if (typeof value === 'number') {
      if (Number.isSafeInteger(value) && value >= minNumber && value <= maxNumber) return value;
    }
    return fail(value);
  };
}

/** A float64 slot: numbers as they are; bigints when they convert to a finite double. */
export function doubleConverter(label: string): Converter {
  return (value) => {
    if (typeof value === 'number') return value;
    if (typeof value === 'bigint') {
      const n = Number(value);
      if (Number.isFinite(n)) return n;
      throw rangeError(`${label}: ${value}n is too large for a float`);
    }
    throw rangeError(`${label} requires a number, not ${describe(value)}`);
  };
}

/**
 * A float32 slot. `checkOverflow` follows Python: standard sizes refuse a
 * finite value that rounds to infinity; native 'f' casts as C does.
 */
export function floatConverter(label: string, checkOverflow: boolean): Converter {
  const toDouble = doubleConverter(label);
  return (value) => {
    const n = typeof value === 'number' ? value : toDouble(value);
    if (checkOverflow && !Number.isFinite(Math.fround(n)) && Number.isFinite(n)) {
      throw rangeError(`${label}: ${n} is too large to pack as a 32-bit float`);
    }
    return n;
  };
}

/** A half float slot: the stored form is the 16 bits. */
export function halfConverter(label: string): Converter {
  const toDouble = doubleConverter(label);
  return (value) => {
    const n = typeof value === 'number' ? value : toDouble(value);
    const bits = halfBits(n);
    if (bits === null) throw rangeError(`${label}: ${n} is too large to pack as a half float`);
    return bits;
  };
}

/** Python's '?': any value, by its truthiness (JavaScript's: every object is true). */
export const boolConverter: Converter = (value) => (value ? 1 : 0);

/** Python's 'c': one byte, given as a 1-byte buffer or a 1-character latin1 string. */
export function charConverter(label: string): Converter {
  return (value) => {
    if (types.isUint8Array(value) && value.length === 1) return value[0];
    if (typeof value === 'string' && value.length === 1 && value.charCodeAt(0) <= 0xff) return value.charCodeAt(0);
    throw rangeError(`${label} requires a 1-byte buffer or a 1-character latin1 string, not ${describe(value)}`);
  };
}

/** Python's 's'/'p': bytes; strings are encoded as UTF-8. */
export function bytesConverter(label: string): Converter {
  return (value) => {
    if (types.isUint8Array(value)) return value;
    if (typeof value === 'string') return Buffer.from(value, 'utf8');
    throw rangeError(`${label} requires a buffer or a string, not ${describe(value)}`);
  };
}

/** A strict boolean slot, for records: true or false only. */
export function strictBoolConverter(label: string): Converter {
  return (value) => {
    if (value === true) return 1;
    if (value === false) return 0;
    throw rangeError(`${label} requires a boolean, not ${describe(value)}`);
  };
}
