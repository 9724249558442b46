/**
 * C strings: JavaScript text to and from NUL-terminated or fixed-size char
 * (latin1, ascii, utf8) and wchar_t (utf16le, as on Windows) buffers, with
 * an error, never a silent '?' or U+FFFD, for text that has no encoding.
 */
import { argTypeError, bytesArgument, describe, rangeError } from './errors';

/** The character sets a C string can be in: latin1 is the ANSI `char` of code page 28591, utf16le is Windows' `wchar_t`. */
export type CharEncoding = 'latin1' | 'ascii' | 'utf8' | 'utf16le';

/** What `toChar()` takes. */
export interface ToCharOptions {
  /** Default 'utf8'. */
  encoding?: CharEncoding;
  /** A fixed size in bytes: the text is NUL-padded to it and must fit (a full field needs no NUL). Without it, one terminating NUL is added (two bytes for utf16le). */
  size?: number;
}

/** What `fromChar()` takes. */
export interface FromCharOptions {
  /** Default 'utf8'. */
  encoding?: CharEncoding;
}

const ENCODINGS: readonly CharEncoding[] = ['latin1', 'ascii', 'utf8', 'utf16le'];

// A surrogate without its partner: representable in a JavaScript string, but not in UTF-8 or UTF-16.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function encodingOf(options: { encoding?: unknown } | undefined): CharEncoding {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw argTypeError(`options must be an object, not ${describe(options)}`);
  }
  const encoding = options?.encoding ?? 'utf8';
  if (!ENCODINGS.includes(encoding as CharEncoding)) {
    throw argTypeError(`encoding must be one of ${ENCODINGS.join(', ')}, not ${describe(encoding)}`);
  }
  return encoding as CharEncoding;
}

/**
 * Check that `text` can be stored as a C string in `encoding`: every
 * character encodable, and no NUL, which would end the string early.
 * @throws CodecError ERR_CODEC_RANGE
 */
export function checkEncodable(text: string, encoding: CharEncoding, what = 'text'): void {
  const limit = encoding === 'latin1' ? 0xff : encoding === 'ascii' ? 0x7f : -1;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0) throw rangeError(`${what} contains a NUL at index ${i}, which would end the C string there`);
    if (limit >= 0 && unit > limit) {
      throw rangeError(`${what} has ${JSON.stringify(text[i])} (U+${unit.toString(16).toUpperCase().padStart(4, '0')}) at index ${i}, which ${encoding} cannot encode`);
    }
  }
  if (limit < 0) {
    const lone = LONE_SURROGATE.exec(text);
    if (lone) throw rangeError(`${what} has a lone surrogate at index ${lone.index}, which ${encoding} cannot encode`);
  }
}

/**
 * Encode text as a C string.
 * @throws CodecError ERR_CODEC_RANGE when a character has no encoding, the text has a NUL, or it does not fit `size`
 */
export function toChar(text: string, options?: ToCharOptions): Buffer {
  if (typeof text !== 'string') throw argTypeError(`text must be a string, not ${typeof text}`);
  const encoding = encodingOf(options);
  checkEncodable(text, encoding);
  const encoded = Buffer.from(text, encoding);
  const size = options?.size;
  if (size === undefined) {
    const terminator = encoding === 'utf16le' ? 2 : 1;
    const out = Buffer.alloc(encoded.length + terminator);
    out.set(encoded);
    return out;
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw argTypeError(`size must be a non-negative integer, not ${describe(size)}`);
  }
  if (encoded.length > size) throw rangeError(`text needs ${encoded.length} bytes in ${encoding}, more than the ${size} available`);
  const out = Buffer.alloc(size);
  out.set(encoded);
  return out;
}

/** Where a C string in `data` ends: its first NUL (a 0x0000 unit at an even offset for utf16le), or the end. */
export function terminatorIndex(data: Uint8Array, start: number, end: number, wide: boolean): number {
  if (!wide) {
    const at = data.subarray(start, end).indexOf(0);
    return at < 0 ? end : start + at;
  }
  for (let i = start; i + 1 < end; i += 2) {
    if (data[i] === 0 && data[i + 1] === 0) return i;
  }
  return end;
}

/** Latin1 bytes to text, in slices so a long string never exceeds the argument limit of fromCharCode. */
export function latin1Text(data: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let at = start; at < end; at += 8192) {
    text += String.fromCharCode.apply(null, data.subarray(at, Math.min(end, at + 8192)) as unknown as number[]);
  }
  return text;
}

/** UTF-16LE bytes (an even count) to text, refusing lone surrogates. */
export function utf16Text(data: Uint8Array, start: number, end: number): string {
  const text = Buffer.from(data.buffer, data.byteOffset + start, end - start).toString('utf16le');
  const lone = LONE_SURROGATE.exec(text);
  if (lone) throw rangeError(`the UTF-16 text has a lone surrogate at code unit ${lone.index}`);
  return text;
}

/**
 * Decode a C string: the text before the first NUL (or all of it when there is none).
 * @throws CodecError ERR_CODEC_RANGE for bytes that are not valid in `encoding` (invalid UTF-8, bytes over 0x7F in ascii, lone surrogates or an odd byte count in utf16le)
 */
export function fromChar(data: Uint8Array, options?: FromCharOptions): string {
  bytesArgument(data, 'data');
  const encoding = encodingOf(options);
  const end = terminatorIndex(data, 0, data.length, encoding === 'utf16le');
  switch (encoding) {
    case 'latin1':
      return latin1Text(data, 0, end);
    case 'ascii': {
      for (let i = 0; i < end; i++) {
        if (data[i] > 0x7f) throw rangeError(`byte 0x${data[i].toString(16)} at offset ${i} is not ascii`);
      }
      return latin1Text(data, 0, end);
    }
    case 'utf8':
      try {
        return strictUtf8.decode(data.subarray(0, end));
      } catch {
        throw rangeError('the bytes are not valid UTF-8');
      }
    case 'utf16le':
      if (end % 2 !== 0) throw rangeError(`UTF-16 text needs an even number of bytes, not ${end}`);
      return utf16Text(data, 0, end);
  }
}
