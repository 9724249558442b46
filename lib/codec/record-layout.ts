/**
 * Field types of records and how a C compiler lays them out: natural
 * alignment and tail padding as gcc does on x86-64 (MSVC agrees for these
 * types), or packed with no padding at all.
 */
import { formatError } from './errors';

export type ScalarName =
  | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'float32' | 'float64' | 'bool';

/** Where a nested record's layout and compiled functions are found; set by record(). */
export interface NestedLayout {
  size: number;
  alignment: number;
}

export type FieldKind =
  | { kind: 'scalar'; name: ScalarName; size: number; signed: boolean }
  | { kind: 'char'; length: number }      // char[N]: latin1, NUL-padded
  | { kind: 'wchar'; length: number }     // wchar[N]: UTF-16LE, N 2-byte units
  | { kind: 'bytes'; length: number }     // bytes[N]: raw, zero-padded
  | { kind: 'nested'; layout: NestedLayout; type: unknown };

export interface FieldLayout {
  name: string;
  type: FieldKind;
  /** For 'int32[4]'-style arrays, the element count; undefined for a single value. */
  arrayLength?: number;
  offset: number;
  /** Bytes of one element (the whole field for char/wchar/bytes). */
  elementSize: number;
  size: number;
  alignment: number;
}

const SCALARS: Readonly<Record<ScalarName, { size: number; signed: boolean }>> = {
  int8: { size: 1, signed: true }, int16: { size: 2, signed: true }, int32: { size: 4, signed: true }, int64: { size: 8, signed: true },
  uint8: { size: 1, signed: false }, uint16: { size: 2, signed: false }, uint32: { size: 4, signed: false }, uint64: { size: 8, signed: false },
  float32: { size: 4, signed: true }, float64: { size: 8, signed: true }, bool: { size: 1, signed: false },
};

const TYPE_PATTERN = /^([a-z]+[0-9]*)(?:\[([0-9]+)\])?$/;
// Arrays beyond this are almost certainly a mistake in the field type, and would allocate huge buffers.
const MAX_ARRAY_LENGTH = 1 << 24;

/** Parse one field type; nested record types are resolved by the caller through `nested`. */
export function parseFieldType(
  fieldName: string, type: unknown, nested: (type: unknown) => NestedLayout | undefined,
): { type: FieldKind; arrayLength?: number; elementSize: number; alignment: number } {
  const layout = nested(type);
  if (layout !== undefined) return { type: { kind: 'nested', layout, type }, elementSize: layout.size, alignment: layout.alignment };
  const match = typeof type === 'string' ? TYPE_PATTERN.exec(type) : null;
  if (match === null) {
    throw formatError(`field ${JSON.stringify(fieldName)} has type ${typeof type === 'string' ? JSON.stringify(type) : typeof type}, which is neither a field type name nor a record`);
  }
  const base = match[1];
  const length = match[2] === undefined ? undefined : Number(match[2]);
  if (length !== undefined && (length < 1 || length > MAX_ARRAY_LENGTH)) {
    throw formatError(`field ${JSON.stringify(fieldName)} has an array length of ${match[2]}; it must be 1 to ${MAX_ARRAY_LENGTH}`);
  }
  if (base === 'char' || base === 'wchar' || base === 'bytes') {
    if (length === undefined) throw formatError(`field ${JSON.stringify(fieldName)}: ${base} needs a length, as in '${base}[16]'`);
    const unit = base === 'wchar' ? 2 : 1;
    return { type: { kind: base, length }, elementSize: unit * length, alignment: unit };
  }
  if (!Object.prototype.hasOwnProperty.call(SCALARS, base)) {
    throw formatError(`field ${JSON.stringify(fieldName)} has unknown type ${JSON.stringify(type)}`);
  }
  const { size, signed } = SCALARS[base as ScalarName];
  return { type: { kind: 'scalar', name: base as ScalarName, size, signed }, arrayLength: length, elementSize: size, alignment: size };
}

/** Lay fields out in declaration order, as a C compiler does. */
export function layOut(
  fields: Record<string, unknown>, packed: boolean, nested: (type: unknown) => NestedLayout | undefined,
): { fields: FieldLayout[]; size: number; alignment: number } {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw formatError('record fields must be an object of field names to types');
  }
  const out: FieldLayout[] = [];
  let offset = 0;
  let alignment = 1;
  for (const name of Object.keys(fields)) {
    // Assigning '__proto__' on a decoded object would set its prototype instead of a field.
    if (name === '__proto__') throw formatError("a record field cannot be named '__proto__'");
    const parsed = parseFieldType(name, fields[name], nested);
    const fieldAlignment = packed ? 1 : parsed.alignment;
    offset = Math.ceil(offset / fieldAlignment) * fieldAlignment;
    const size = parsed.elementSize * (parsed.arrayLength ?? 1);
    out.push({ name, type: parsed.type, arrayLength: parsed.arrayLength, offset, elementSize: parsed.elementSize, size, alignment: fieldAlignment });
    offset += size;
    alignment = Math.max(alignment, fieldAlignment);
  }
  // Tail padding: an array of these structs keeps every member aligned.
  const size = Math.ceil(offset / alignment) * alignment;
  return { fields: out, size, alignment };
}
