/**
 * Python's `struct` module for JavaScript: pack, unpack, calcsize, packInto
 * and Struct, with the same format language, sizes, alignment and errors.
 *
 * Differences that JavaScript's types force, all documented in the README:
 * 64-bit codes (q Q n N P, and native l L) return bigints and take bigints
 * or safe-integer numbers; 'c' returns a 1-byte Buffer; 's'/'p' return
 * Buffers and take Uint8Arrays or strings (encoded as UTF-8); '?' takes any
 * value by JavaScript truthiness; booleans are not integers.
 */
import { constants as bufferConstants } from 'node:buffer';
import { types } from 'node:util';

import { argTypeError, argValueError, describe, formatError, rangeError, shortError } from './errors';
import { isDetached, isDetachedView } from '../errors';
import { parseFormat } from './format';
import { CompiledFormat, compileFormat } from './struct-compile';

// Compiled formats, by format string; cleared when full so a program that builds formats on the fly stays bounded.
const cache = new Map<string, CompiledFormat>();
const CACHE_LIMIT = 512;

function compiled(format: string): CompiledFormat {
  let entry = cache.get(format);
  if (entry === undefined) {
    entry = compileFormat(parseFormat(format));
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(format, entry);
  }
  return entry;
}

/** Accept any view of bytes, as Python accepts any buffer. */
function asBytes(data: unknown, name: string): Uint8Array {
  if (ArrayBuffer.isView(data)) {
    if (isDetachedView(data)) throw argValueError(`${name} is detached (its ArrayBuffer was transferred)`);
    return types.isUint8Array(data) ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  if (types.isAnyArrayBuffer(data)) {
    if (isDetached(data)) throw argValueError(`${name} is detached (it was transferred)`);
    return new Uint8Array(data);
  }
  throw argTypeError(`${name} must be a Uint8Array, Buffer, ArrayBuffer or ArrayBufferView, not ${describe(data)}`);
}

function asOffset(offset: unknown): number {
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset)) {
    throw argTypeError(`offset must be an integer, not ${typeof offset === 'number' ? offset : typeof offset}`);
  }
  return offset;
}

function checkCount(c: CompiledFormat, got: number, what: string): void {
  if (got !== c.valueCount) throw formatError(`${what} expected ${c.valueCount} items for packing (got ${got})`);
}

function allocate(size: number): Buffer {
  if (size > bufferConstants.MAX_LENGTH) throw rangeError(`a struct of ${size} bytes is too large to allocate`);
  return Buffer.allocUnsafe(size);
}

function doPack(c: CompiledFormat, values: readonly unknown[]): Buffer {
  checkCount(c, values.length, 'pack');
  const out = allocate(c.size);
  c.write(out, 0, values);
  return out;
}

function doPackInto(c: CompiledFormat, target: unknown, offset: unknown, values: readonly unknown[]): void {
  checkCount(c, values.length, 'pack_into');
  const bytes = asBytes(target, 'target');
  let at = asOffset(offset);
  // Python's rules: a negative offset counts from the end, and the struct must fit before the end.
  if (at < 0) {
    if (at + c.size > 0) throw shortError(`no space to pack ${c.size} bytes at offset ${at}`);
    if (at + bytes.length < 0) throw shortError(`offset ${at} out of range for ${bytes.length}-byte buffer`);
    at += bytes.length;
  }
  if (bytes.length - at < c.size) {
    throw shortError(`packInto requires a buffer of at least ${c.size + at} bytes for packing ${c.size} bytes at offset ${at} (actual buffer size is ${bytes.length})`);
  }
  c.write(bytes, at, values);
}

function doUnpack(c: CompiledFormat, data: unknown): unknown[] {
  const bytes = asBytes(data, 'data');
  if (bytes.length !== c.size) throw shortError(`unpack requires a buffer of ${c.size} bytes, not ${bytes.length}`);
  return c.read(bytes, 0);
}

function doUnpackFrom(c: CompiledFormat, data: unknown, offset: unknown): unknown[] {
  const bytes = asBytes(data, 'data');
  let at = asOffset(offset);
  if (at < 0) {
    if (at + c.size > 0) throw shortError(`not enough data to unpack ${c.size} bytes at offset ${at}`);
    if (at + bytes.length < 0) throw shortError(`offset ${at} out of range for ${bytes.length}-byte buffer`);
    at += bytes.length;
  }
  if (bytes.length - at < c.size) {
    throw shortError(`unpackFrom requires a buffer of at least ${c.size + at} bytes for unpacking ${c.size} bytes at offset ${at} (actual buffer size is ${bytes.length})`);
  }
  return c.read(bytes, at);
}

function doIterUnpack(c: CompiledFormat, data: unknown): IterableIterator<unknown[]> {
  const bytes = asBytes(data, 'data');
  if (c.size === 0) throw formatError('cannot iteratively unpack with a struct of length 0');
  if (bytes.length % c.size !== 0) {
    throw shortError(`iterative unpacking requires a buffer of a multiple of ${c.size} bytes, not ${bytes.length}`);
  }
  // Errors are raised above, when called, as Python does; only the reading is lazy.
  return (function* iterate() {
    for (let at = 0; at < bytes.length; at += c.size) yield c.read(bytes, at);
  })();
}

/**
 * Pack values into a new Buffer according to a Python `struct` format.
 * @throws CodecError ERR_CODEC_FORMAT (bad format, wrong number of values), ERR_CODEC_RANGE (bad value)
 */
export function pack(format: string, ...values: unknown[]): Buffer {
  return doPack(compiled(format), values);
}

/**
 * Unpack values from bytes. Without `offset` the data must be exactly
 * `calcsize(format)` bytes long (Python's `unpack`); with it, at least that
 * many bytes must follow `offset` (Python's `unpack_from`; negative offsets
 * count from the end).
 * @throws CodecError ERR_CODEC_SHORT (wrong size), ERR_CODEC_FORMAT (bad format)
 */
export function unpack(format: string, data: Uint8Array, offset?: number): unknown[] {
  const c = compiled(format);
  return offset === undefined ? doUnpack(c, data) : doUnpackFrom(c, data, offset);
}

/** The number of bytes a format packs to. @throws CodecError ERR_CODEC_FORMAT */
export function calcsize(format: string): number {
  return compiled(format).size;
}

/**
 * Pack values into `target` at `offset` (negative counts from the end), as
 * Python's `pack_into`. Every value is checked before any byte is written.
 */
export function packInto(format: string, target: Uint8Array, offset: number, ...values: unknown[]): void {
  doPackInto(compiled(format), target, offset, values);
}

/** Python's `struct.iter_unpack`: the records of a buffer that holds a whole number of them. */
export function iterUnpack(format: string, data: Uint8Array): IterableIterator<unknown[]> {
  return doIterUnpack(compiled(format), data);
}

/** A compiled format, as Python's `struct.Struct`. */
export class Struct {
  /** The format string. */
  readonly format: string;
  /** The number of bytes the format packs to. */
  readonly size: number;
  readonly #compiled: CompiledFormat;

  /** @throws CodecError ERR_CODEC_FORMAT */
  constructor(format: string) {
    this.#compiled = compiled(format);
    this.format = format;
    this.size = this.#compiled.size;
  }

  /** Pack values into a new Buffer of `size` bytes. */
  pack(...values: unknown[]): Buffer {
    return doPack(this.#compiled, values);
  }

  /** Pack values into `target` at `offset`. */
  packInto(target: Uint8Array, offset: number, ...values: unknown[]): void {
    doPackInto(this.#compiled, target, offset, values);
  }

  /** Unpack exactly `size` bytes. */
  unpack(data: Uint8Array): unknown[] {
    return doUnpack(this.#compiled, data);
  }

  /** Unpack `size` bytes at `offset` of a buffer that may be longer. */
  unpackFrom(data: Uint8Array, offset = 0): unknown[] {
    return doUnpackFrom(this.#compiled, data, offset);
  }

  /** Unpack consecutive records from a buffer that holds a whole number of them. */
  iterUnpack(data: Uint8Array): IterableIterator<unknown[]> {
    return doIterUnpack(this.#compiled, data);
  }
}
