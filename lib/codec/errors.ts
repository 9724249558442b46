import { types } from 'node:util';

import { describe, isDetachedView } from '../errors';

export { describe };

/** The `code` values a {@link CodecError} carries. */
export type CodecErrorCode =
  | 'ERR_CODEC_RANGE'        // a value out of range or of the wrong type for its slot; text with no encoding
  | 'ERR_CODEC_SHORT'        // a buffer too short (or, where an exact size is required, of the wrong size)
  | 'ERR_CODEC_FORMAT'       // a format syntax error or the wrong number of values
  | 'ERR_UNKNOWN_TYPE'       // a frame or value whose message type is not registered
  | 'ERR_DUPLICATE_TYPE'     // a message type id or class registered twice
  | 'ERR_FRAME_TOO_LARGE';   // a frame whose payload length exceeds the limit

/** The error every codec function throws for bad input; `code` says which kind. */
export class CodecError extends Error {
  /** What was wrong: one of {@link CodecErrorCode}. */
  readonly code: CodecErrorCode;

  constructor(code: CodecErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

// On the prototype, not each instance, as Node's own errors do; stacks then start with "CodecError:".
Object.defineProperty(CodecError.prototype, 'name', { value: 'CodecError', writable: true, configurable: true });

/** Shorthands, so call sites read as what went wrong. */
export function rangeError(message: string): CodecError {
  return new CodecError('ERR_CODEC_RANGE', message);
}

export function shortError(message: string): CodecError {
  return new CodecError('ERR_CODEC_SHORT', message);
}

export function formatError(message: string): CodecError {
  return new CodecError('ERR_CODEC_FORMAT', message);
}

/** An argument of the right type but an unusable value (a detached buffer): Node-style TypeError. */
export function argValueError(message: string): TypeError {
  const error = new TypeError(message) as TypeError & { code: string };
  error.code = 'ERR_INVALID_ARG_VALUE';
  return error;
}

/**
 * The bytes of a Uint8Array or Buffer argument; a Proxy of one or a view
 * whose memory was transferred away is refused with a coded TypeError.
 */
export function bytesArgument(value: unknown, name: string): Uint8Array {
  if (!types.isUint8Array(value)) throw argTypeError(`${name} must be a Uint8Array or Buffer, not ${describe(value)}`);
  if (isDetachedView(value)) throw argValueError(`${name} is detached (its ArrayBuffer was transferred)`);
  return value;
}

/** A programming error in the arguments (not in the data): Node-style TypeError. */
export function argTypeError(message: string): TypeError {
  const error = new TypeError(message) as TypeError & { code: string };
  error.code = 'ERR_INVALID_ARG_TYPE';
  return error;
}
