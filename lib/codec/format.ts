/**
 * Python `struct` format strings: the code table and the parser that turns a
 * format into a list of fixed-offset items. Compiling those items into fast
 * pack/unpack functions is struct-compile.ts's job.
 */
import { formatError } from './errors';
import { hostLittleEndian } from './bytes';

/** What a format code stores. */
export type CodeKind = 'pad' | 'char' | 'int' | 'bool' | 'half' | 'float' | 'double' | 'string' | 'pascal';

interface CodeInfo {
  kind: CodeKind;
  signed: boolean;
  standardSize: number;   // size with a '=', '<', '>' or '!' prefix; 0 when the code is native only
  nativeSize: number;     // size and alignment with '@' (or no prefix), as on x86-64 Linux (LP64)
}

// Native sizes are LP64's, which is what python3 reports on x86-64 Linux: 'l'/'L' are 8 bytes there.
// Every native type is aligned to its own size, so one number serves for both.
const CODES: Readonly<Record<string, CodeInfo>> = {
  x: { kind: 'pad', signed: false, standardSize: 1, nativeSize: 1 },
  c: { kind: 'char', signed: false, standardSize: 1, nativeSize: 1 },
  b: { kind: 'int', signed: true, standardSize: 1, nativeSize: 1 },
  B: { kind: 'int', signed: false, standardSize: 1, nativeSize: 1 },
  '?': { kind: 'bool', signed: false, standardSize: 1, nativeSize: 1 },
  h: { kind: 'int', signed: true, standardSize: 2, nativeSize: 2 },
  H: { kind: 'int', signed: false, standardSize: 2, nativeSize: 2 },
  i: { kind: 'int', signed: true, standardSize: 4, nativeSize: 4 },
  I: { kind: 'int', signed: false, standardSize: 4, nativeSize: 4 },
  l: { kind: 'int', signed: true, standardSize: 4, nativeSize: 8 },
  L: { kind: 'int', signed: false, standardSize: 4, nativeSize: 8 },
  q: { kind: 'int', signed: true, standardSize: 8, nativeSize: 8 },
  Q: { kind: 'int', signed: false, standardSize: 8, nativeSize: 8 },
  n: { kind: 'int', signed: true, standardSize: 0, nativeSize: 8 },
  N: { kind: 'int', signed: false, standardSize: 0, nativeSize: 8 },
  P: { kind: 'int', signed: false, standardSize: 0, nativeSize: 8 },
  e: { kind: 'half', signed: false, standardSize: 2, nativeSize: 2 },
  f: { kind: 'float', signed: false, standardSize: 4, nativeSize: 4 },
  d: { kind: 'double', signed: false, standardSize: 8, nativeSize: 8 },
  s: { kind: 'string', signed: false, standardSize: 1, nativeSize: 1 },
  p: { kind: 'pascal', signed: false, standardSize: 1, nativeSize: 1 },
};

/** One run of a format code: `count` elements of `size` bytes from `offset`. */
export interface FormatItem {
  code: string;
  kind: CodeKind;
  signed: boolean;
  native: boolean;          // '@' mode: native sizes, so 'P' and native 'l' differ from standard ones
  littleEndian: boolean;
  offset: number;
  size: number;             // bytes per element; for 's'/'p' the whole field is one element of `count` bytes
  count: number;            // the repeat count as written
  values: number;           // how many values the item takes and gives: 0 for 'x', 1 for 's'/'p', else count
}

export interface ParsedFormat {
  format: string;
  size: number;
  valueCount: number;
  items: FormatItem[];
  /** Byte ranges pack must zero: 'x' pad bytes and native alignment padding. */
  gaps: Array<[start: number, end: number]>;
}

/** Python's Py_ISSPACE: whitespace is allowed between items, not inside one. */
function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\v' || ch === '\f';
}

function isDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}

/** Parse a format exactly as CPython's `struct` does, throwing ERR_CODEC_FORMAT where it raises. */
export function parseFormat(format: string): ParsedFormat {
  if (typeof format !== 'string') {
    throw formatError(`format must be a string, not ${format === null ? 'null' : typeof format}`);
  }
  let index = 0;
  let prefix = '@';
  if (format.length > 0 && '@=<>!'.includes(format[0])) {
    prefix = format[0];
    index = 1;
  }
  const native = prefix === '@';
  const littleEndian = prefix === '<' || ((prefix === '@' || prefix === '=') && hostLittleEndian);
  const items: FormatItem[] = [];
  const gaps: Array<[number, number]> = [];
  let size = 0;
  let valueCount = 0;

  while (index < format.length) {
    let ch = format[index++];
    if (isSpace(ch)) continue;
    let count = 1;
    if (isDigit(ch)) {
      count = ch.charCodeAt(0) - 48;
      while (index < format.length && isDigit(format[index])) {
        count = count * 10 + (format.charCodeAt(index++) - 48);
        // CPython's limit is 2**63 - 1; ours is where doubles stop counting exactly.
        if (count > Number.MAX_SAFE_INTEGER) throw formatError('total struct size too long');
      }
      if (index >= format.length) throw formatError('repeat count given without format specifier');
      ch = format[index++];
    }
    const info = Object.prototype.hasOwnProperty.call(CODES, ch) ? CODES[ch] : undefined;
    const elementSize = info === undefined ? 0 : native ? info.nativeSize : info.standardSize;
    if (info === undefined || elementSize === 0) {
      throw formatError(`bad char in struct format: ${JSON.stringify(ch)} at index ${index - 1}`);
    }
    if (native && elementSize > 1 && size % elementSize !== 0) {
      const aligned = size + (elementSize - (size % elementSize));
      gaps.push([size, aligned]);
      size = aligned;
    }
    const offset = size;
    let values: number;
    if (info.kind === 'pad') {
      values = 0;
      size += count;
      if (count > 0) gaps.push([offset, size]);
    } else if (info.kind === 'string' || info.kind === 'pascal') {
      values = 1;
      size += count;
    } else {
      values = count;
      size += count * elementSize;
    }
    if (size > Number.MAX_SAFE_INTEGER) throw formatError('total struct size too long');
    valueCount += values;
    items.push({
      code: ch, kind: info.kind, signed: info.signed, native, littleEndian, offset,
      size: info.kind === 'string' || info.kind === 'pascal' ? count : elementSize, count, values,
    });
  }
  return { format, size, valueCount, items, gaps: mergeGaps(gaps) };
}

function mergeGaps(gaps: Array<[number, number]>): Array<[number, number]> {
  const merged: Array<[number, number]> = [];
  for (const gap of gaps) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last[1] === gap[0]) last[1] = gap[1];
    else merged.push([gap[0], gap[1]]);
  }
  return merged;
}
