/**
 * C-struct-like records with named fields, compiled once into specialised
 * encode and decode functions.
 */
import { argTypeError, bytesArgument, describe, rangeError, shortError } from './errors';
import { Converter, integerConverter, doubleConverter, floatConverter, strictBoolConverter } from './convert';
import { ScalarSlot, compile, lit, position, readExpression, writeStatement } from './codegen';
import { FieldLayout, NestedLayout, layOut } from './record-layout';
import { checkEncodable } from './text';

/** A scalar field type. */
export type ScalarType =
  | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'float32' | 'float64' | 'bool';

/** A field type: a scalar, a fixed string or byte array, a scalar array such as 'int32[4]', or a nested record. */
export type FieldType =
  | ScalarType
  | `char[${number}]` | `wchar[${number}]` | `bytes[${number}]`
  | `${ScalarType}[${number}]`
  | RecordType<any, any>;

/** What decode gives for a scalar: 64-bit integers as bigint. */
type ScalarValue<S> = S extends 'int64' | 'uint64' ? bigint : S extends 'bool' ? boolean : number;
/** What encode takes for a scalar: 64-bit integers as bigint or a safe-integer number. */
type ScalarInput<S> = S extends 'int64' | 'uint64' ? bigint | number : S extends 'bool' ? boolean : number;

/** The decoded value of a field of type T. */
export type FieldValue<T> =
  T extends RecordType<infer U, any> ? U
    : T extends `char[${number}]` | `wchar[${number}]` ? string
      : T extends `bytes[${number}]` ? Buffer
        : T extends `${infer S extends ScalarType}[${number}]` ? ScalarValue<S>[]
          : ScalarValue<T>;

/** What encode takes for a field of type T. */
export type FieldInput<T> =
  T extends RecordType<any, infer I> ? I
    : T extends `char[${number}]` | `wchar[${number}]` ? string
      : T extends `bytes[${number}]` ? Uint8Array
        : T extends `${infer S extends ScalarType}[${number}]` ? ScalarInput<S>[]
          : ScalarInput<T>;

/** The decoded value of a record with these fields. */
export type RecordValue<F> = { -readonly [K in keyof F]: FieldValue<F[K]> };
/** What encode takes for a record with these fields. */
export type RecordInput<F> = { -readonly [K in keyof F]: FieldInput<F[K]> };

/** How `record()` lays the fields out. */
export interface RecordOptions {
  /** 'c' (default): natural alignment and tail padding, as gcc and MSVC lay out a struct on x86-64; 'packed': none. */
  align?: 'c' | 'packed';
  /** Byte order of every number in the record (nested records keep their own). Default 'little'. */
  endian?: 'little' | 'big';
}

/** Where a field sits, for documentation and debugging. */
export interface FieldInfo {
  /** The field's name. */
  name: string;
  /** offsetof the field, in bytes. */
  offset: number;
  /** sizeof the field, in bytes. */
  size: number;
  /** alignof the field (1 when packed). */
  alignment: number;
}

/** A compiled record type: decode gives a T, encode takes an I. */
export interface RecordType<T = Record<string, unknown>, I = T> {
  /** sizeof the struct, tail padding included. */
  readonly size: number;
  /** alignof the struct: its strictest member's alignment (1 when packed). */
  readonly alignment: number;
  /** Each field's name, offset, size and alignment, in declaration order. */
  readonly fields: readonly FieldInfo[];
  /** A new Buffer of `size` bytes; padding is zero. @throws CodecError ERR_CODEC_RANGE for a missing or bad field */
  encode(value: I): Buffer;
  /** Encode into `target` at `offset`; returns `offset + size`. Checks every field before writing. */
  encodeInto(value: I, target: Uint8Array, offset?: number): number;
  /** Decode exactly `size` bytes. @throws CodecError ERR_CODEC_SHORT for any other length */
  decode(data: Uint8Array): T;
  /** Decode `size` bytes at `offset` of a buffer that may be longer. */
  decodeFrom(data: Uint8Array, offset?: number): T;
}

interface CompiledRecord extends NestedLayout {
  check: (value: unknown) => void;
  write: (b: Uint8Array, o: number, value: unknown) => void;
  read: (b: Uint8Array, o: number) => Record<string, unknown>;
}

// The compiled functions behind each record, so records can nest without exposing internals.
const compiledRecords = new WeakMap<object, CompiledRecord>();

function nestedLayout(type: unknown): CompiledRecord | undefined {
  return typeof type === 'object' && type !== null ? compiledRecords.get(type) : undefined;
}

// Unrolled up to this many array elements; longer arrays become loops.
const UNROLL_LIMIT = 16;

function scalarSlot(field: FieldLayout, littleEndian: boolean): ScalarSlot {
  if (field.type.kind !== 'scalar') throw new Error('internal: not a scalar field');
  const name = field.type.name;
  const kind = name === 'float32' ? 'float' : name === 'float64' ? 'double' : name === 'bool' ? 'bool' : 'int';
  return { kind, size: field.type.size, signed: field.type.signed, littleEndian };
}

function scalarConverter(field: FieldLayout, label: string): Converter {
  if (field.type.kind !== 'scalar') throw new Error('internal: not a scalar field');
  const { name, size, signed } = field.type;
  if (name === 'float32') return floatConverter(label, true);
  if (name === 'float64') return doubleConverter(label);
  if (name === 'bool') return strictBoolConverter(label);
  const bits = BigInt(size * 8);
  return integerConverter(label, signed ? -(1n << (bits - 1n)) : 0n, signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n);
}

/** The check for a char[N] or wchar[N] field: the encoded, fitted bytes. */
function textConverter(label: string, encoding: 'latin1' | 'utf16le', units: number): Converter {
  return (value) => {
    if (typeof value !== 'string') throw rangeError(`${label} requires a string, not ${value === null ? 'null' : typeof value}`);
    checkEncodable(value, encoding, label);
    if (value.length > units) throw rangeError(`${label} holds ${units} characters; ${JSON.stringify(value)} has ${value.length}`);
    return Buffer.from(value, encoding);
  };
}

function bytesConverter(label: string, length: number): Converter {
  return (value) => {
    if (!(value instanceof Uint8Array)) throw rangeError(`${label} requires a Uint8Array or Buffer, not ${value === null ? 'null' : typeof value}`);
    if (value.length > length) throw rangeError(`${label} holds ${length} bytes, not ${value.length}`);
    return value;
  };
}

function arrayChecker(label: string, length: number): Converter {
  return (value) => {
    const ok = Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
    if (!ok || (value as ArrayLike<unknown>).length !== length) {
      throw rangeError(`${label} requires an array of ${length} values`);
    }
    return value;
  };
}

function objectChecker(label: string): Converter {
  return (value) => {
    if (typeof value !== 'object' || value === null) throw rangeError(`${label} requires an object, not ${value === null ? 'null' : typeof value}`);
    return value;
  };
}

function compileRecord(fields: FieldLayout[], size: number, alignment: number, littleEndian: boolean): CompiledRecord {
  const data: unknown[] = [];
  const constant = (value: unknown): string => {
    data.push(value);
    return `D[${lit(data.length - 1)}]`;
  };
  const prelude: string[] = [];
  const named = (prefix: string, value: unknown): string => {
    const id = `${prefix}${lit(data.length)}`;
    prelude.push(`const ${id} = ${constant(value)};`);
    return id;
  };
  const checks: string[] = [];
  const stores: string[] = [];
  const loads: string[] = [];
  const isObject = named('obj', objectChecker('a record value'));
  const gaps: Array<[number, number]> = [];
  let end = 0;

  fields.forEach((field, index) => {
    if (field.offset > end) gaps.push([end, field.offset]);
    end = field.offset + field.size;
    const key = named('k', field.name);
    const label = `field ${JSON.stringify(field.name)}`;
    const v = `v${lit(index)}`;
    const at = position(field.offset);
    const type = field.type;
    if (type.kind === 'nested') {
      const nested = compiledRecords.get(type.type as object)!;
      const check = named('check', nested.check);
      const write = named('write', nested.write);
      const read = named('read', nested.read);
      checks.push(`const ${v} = ${named('c', objectChecker(label))}(v[${key}]); ${check}(${v});`);
      stores.push(`${write}(b, ${at}, ${v});`);
      loads.push(`r[${key}] = ${read}(b, ${at});`);
    } else if (type.kind === 'char' || type.kind === 'wchar' || type.kind === 'bytes') {
      const convert = type.kind === 'bytes' ? bytesConverter(label, type.length)
        : textConverter(`${label} (${type.kind}[${type.length}])`, type.kind === 'char' ? 'latin1' : 'utf16le', type.length);
      checks.push(`const ${v} = ${named('c', convert)}(v[${key}]);`);
      stores.push(`WSTR(b, ${at}, ${v}, ${lit(field.size)});`);
      const reader = type.kind === 'char' ? 'RCHAR' : type.kind === 'wchar' ? 'RWCHAR' : 'COPY';
      loads.push(`r[${key}] = ${reader}(b, ${at}, ${lit(field.size)});`);
    } else {
      const slot = scalarSlot(field, littleEndian);
      const convert = named('c', scalarConverter(field, `${label} (${type.name})`));
      if (field.arrayLength === undefined) {
        checks.push(`const ${v} = ${convert}(v[${key}]);`);
        stores.push(writeStatement(slot, at, v));
        loads.push(`r[${key}] = ${readExpression(slot, at)};`);
      } else {
        const n = field.arrayLength;
        const array = named('c', arrayChecker(`${label} (${type.name}[${n}])`, n));
        checks.push(`const ${v} = ${array}(v[${key}]); for (let k = 0; k < ${lit(n)}; k++) ${convert}(${v}[k]);`);
        stores.push(`for (let k = 0; k < ${lit(n)}; k++) { const e = ${convert}(${v}[k]); ${writeStatement(slot, position(field.offset, field.elementSize), 'e')} }`);
        if (n <= UNROLL_LIMIT) {
          const items = Array.from({ length: n }, (_, k) => readExpression(slot, position(field.offset + k * field.elementSize)));
          loads.push(`r[${key}] = [${items.join(', ')}];`);
        } else {
          loads.push(`{ const a = new Array(${lit(n)}); for (let k = 0; k < ${lit(n)}; k++) a[k] = ${readExpression(slot, position(field.offset, field.elementSize))}; r[${key}] = a; }`);
        }
      }
    }
  });
  if (size > end) gaps.push([end, size]);
  const zero = gaps.map(([from, to]) => to - from === 1 ? `b[${position(from)}] = 0;` : `b.fill(0, ${position(from)}, ${position(to)});`);

  const source = `${prelude.join('\n')}
return {
  check: function check(v) {
    ${isObject}(v);
    ${checks.join('\n')}
  },
  write: function write(b, o, v) {
    ${isObject}(v);
    ${checks.join('\n')}
    ${stores.join('\n')}
    ${zero.join('\n')}
  },
  read: function read(b, o) {
    const r = {};
    ${loads.join('\n')}
    return r;
  },
};`;
  const compiled = compile<Omit<CompiledRecord, 'size' | 'alignment'>>(source, data);
  return { ...compiled, size, alignment };
}

function asOffset(offset: unknown): number {
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw argTypeError(`offset must be a non-negative integer, not ${describe(offset)}`);
  }
  return offset;
}

function asBytes(data: unknown): Uint8Array {
  return bytesArgument(data, 'data');
}

/**
 * Define a C-struct-like record type.
 *
 * ```js
 * const Point = record({ x: 'int32', y: 'int32' });
 * const Shape = record({ id: 'uint16', origin: Point, name: 'char[12]', size: 'float64' });
 * ```
 * @throws CodecError ERR_CODEC_FORMAT for an unknown field type
 */
export function record<const F extends Record<string, FieldType>>(fields: F, options: RecordOptions = {}):
  RecordType<RecordValue<F>, RecordInput<F>> {
  if (options === null || typeof options !== 'object') throw argTypeError(`options must be an object, not ${describe(options)}`);
  const align = options.align ?? 'c';
  const endian = options.endian ?? 'little';
  if (align !== 'c' && align !== 'packed') throw argTypeError(`align must be 'c' or 'packed', not ${describe(align)}`);
  if (endian !== 'little' && endian !== 'big') throw argTypeError(`endian must be 'little' or 'big', not ${describe(endian)}`);
  const layout = layOut(fields as Record<string, unknown>, align === 'packed', nestedLayout);
  const compiled = compileRecord(layout.fields, layout.size, layout.alignment, endian === 'little');
  const { size, read, write } = compiled;

  const type: RecordType<RecordValue<F>, RecordInput<F>> = {
    size,
    alignment: layout.alignment,
    fields: Object.freeze(layout.fields.map(({ name, offset, size: fieldSize, alignment }) => Object.freeze({ name, offset, size: fieldSize, alignment }))),
    encode(value) {
      const out = Buffer.allocUnsafe(size);
      write(out, 0, value);
      return out;
    },
    encodeInto(value, target, offset = 0) {
      const bytes = asBytes(target);
      const at = asOffset(offset);
      if (bytes.length - at < size) throw shortError(`encodeInto needs ${size} bytes at offset ${at}; the buffer has ${Math.max(0, bytes.length - at)}`);
      write(bytes, at, value);
      return at + size;
    },
    decode(data) {
      const bytes = asBytes(data);
      if (bytes.length !== size) throw shortError(`decode requires ${size} bytes, not ${bytes.length}`);
      return read(bytes, 0) as RecordValue<F>;
    },
    decodeFrom(data, offset = 0) {
      const bytes = asBytes(data);
      const at = asOffset(offset);
      if (bytes.length - at < size) throw shortError(`decodeFrom needs ${size} bytes at offset ${at}; the buffer has ${Math.max(0, bytes.length - at)}`);
      return read(bytes, at) as RecordValue<F>;
    },
  };
  Object.freeze(type);
  compiledRecords.set(type, compiled);
  return type;
}
