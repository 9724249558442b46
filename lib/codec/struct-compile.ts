/**
 * Compiles a parsed format into a writer and a reader specialised for it.
 */
import { ParsedFormat, FormatItem } from './format';
import {
  Converter, integerConverter, doubleConverter, floatConverter, halfConverter,
  boolConverter, charConverter, bytesConverter,
} from './convert';
import { ScalarSlot, compile, lit, position, readExpression, writeStatement } from './codegen';

/** Writes `values` (already counted) at `offset` of `target`; validates every value before writing any. */
export type FormatWriter = (target: Uint8Array, offset: number, values: readonly unknown[]) => void;
/** Reads the values at `offset`; the caller has checked the bounds. */
export type FormatReader = (source: Uint8Array, offset: number) => unknown[];

export interface CompiledFormat {
  format: string;
  size: number;
  valueCount: number;
  write: FormatWriter;
  read: FormatReader;
}

// Runs longer than this become loops, so '100000i' compiles to small code.
const UNROLL_LIMIT = 16;

function converterFor(item: FormatItem): Converter {
  const label = `'${item.code}' format`;
  switch (item.kind) {
    case 'int': {
      const bits = BigInt(item.size * 8);
      // 'P' is a pointer: CPython takes any value that fits either intptr_t or uintptr_t.
      const min = item.code === 'P' ? -(1n << (bits - 1n)) : item.signed ? -(1n << (bits - 1n)) : 0n;
      const max = item.signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
      return integerConverter(label, min, max);
    }
    case 'bool': return boolConverter;
    case 'char': return charConverter(label);
    case 'half': return halfConverter(label);
    case 'float': return floatConverter(label, !item.native);
    case 'double': return doubleConverter(label);
    case 'string':
    case 'pascal': return bytesConverter(label);
    case 'pad': throw new Error('internal: pad bytes take no value');
  }
}

function scalarSlot(item: FormatItem): ScalarSlot {
  return { kind: item.kind as ScalarSlot['kind'], size: item.size, signed: item.signed, littleEndian: item.littleEndian };
}

/** Compile a parsed format. */
export function compileFormat(parsed: ParsedFormat): CompiledFormat {
  const converters: Converter[] = [];
  const prelude: string[] = [];
  const check: string[] = [];
  const store: string[] = [];
  // Each read is one expression, or a loop that fills `count` entries of the result from `first`.
  const load: Array<{ expr: string; first: number; count?: number }> = [];
  let looped = false;
  let valueIndex = 0;

  for (const item of parsed.items) {
    if (item.kind === 'pad') continue;
    const c = `c${lit(converters.length)}`;
    prelude.push(`const ${c} = D[${lit(converters.length)}];`);
    converters.push(converterFor(item));
    if (item.kind === 'string' || item.kind === 'pascal') {
      const v = `v${lit(valueIndex)}`;
      check.push(`const ${v} = ${c}(a[${lit(valueIndex)}]);`);
      store.push(`${item.kind === 'string' ? 'WSTR' : 'WPSTR'}(b, ${position(item.offset)}, ${v}, ${lit(item.size)});`);
      load.push({
        first: valueIndex,
        expr: item.kind === 'string' ? `COPY(b, ${position(item.offset)}, ${lit(item.size)})` : `RPSTR(b, ${position(item.offset)}, ${lit(item.size)})`,
      });
      valueIndex++;
      continue;
    }
    const slot = scalarSlot(item);
    if (item.count <= UNROLL_LIMIT) {
      for (let k = 0; k < item.count; k++) {
        const v = `v${lit(valueIndex)}`;
        check.push(`const ${v} = ${c}(a[${lit(valueIndex)}]);`);
        store.push(writeStatement(slot, position(item.offset + k * item.size), v));
        load.push({ first: valueIndex, expr: readExpression(slot, position(item.offset + k * item.size)) });
        valueIndex++;
      }
    } else {
      looped = true;
      const first = lit(valueIndex);
      const count = lit(item.count);
      check.push(`for (let k = 0; k < ${count}; k++) ${c}(a[${first} + k]);`);
      store.push(`for (let k = 0; k < ${count}; k++) { const v = ${c}(a[${first} + k]); ${writeStatement(slot, position(item.offset, item.size), 'v')} }`);
      load.push({ first: valueIndex, count: item.count, expr: readExpression(slot, position(item.offset, item.size)) });
      valueIndex += item.count;
    }
  }
  const gaps = parsed.gaps.map(([start, end]) =>
    end - start === 1 ? `b[${position(start)}] = 0;` : `b.fill(0, ${position(start)}, ${position(end)});`);

  let readBody: string;
  if (!looped) {
    // An array literal: the fastest way to build the result when every read is unrolled.
    readBody = `return [${load.map((entry) => entry.expr).join(', ')}];`;
  } else {
    const lines = load.map(({ expr, first, count }) => count === undefined
      ? `r[${lit(first)}] = ${expr};`
      : `for (let k = 0; k < ${lit(count)}; k++) r[${lit(first)} + k] = ${expr};`);
    readBody = `const r = new Array(${lit(parsed.valueCount)});\n${lines.join('\n')}\nreturn r;`;
  }

  const source = `${prelude.join('\n')}
return {
  write: function write(b, o, a) {
    ${check.join('\n')}
    ${store.join('\n')}
    ${gaps.join('\n')}
  },
  read: function read(b, o) {
    ${readBody}
  },
};`;
  const { write, read } = compile<{ write: FormatWriter; read: FormatReader }>(source, converters);
  return { format: parsed.format, size: parsed.size, valueCount: parsed.valueCount, write, read };
}
