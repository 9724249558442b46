// Checks and conversions of the arguments socket calls share, done before
// any system call.
import { types } from 'node:util';

import { constants } from './constants';
import { invalidArgType, invalidArgValue, outOfRange } from './errors';
import { isDetached, isDetachedView } from './values';
import type { RecvOptions, SendOptions } from './socket';

/** The MSG_* flags of send/recv options, in the platform's numbers. */
export function flagsOf(options: SendOptions | RecvOptions | undefined): number {
  if (options === undefined) return 0;
  if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
  let flags = options.flags ?? 0;
  if (typeof flags !== 'number') throw invalidArgType('options.flags', 'of type number', flags);
  if (!Number.isInteger(flags) || flags < 0 || flags > 0x7fffffff) {
    throw outOfRange('options.flags', 'an integer >= 0 and <= 2147483647', flags);
  }
  if (options.oob) flags |= constants.MSG_OOB;
  if ((options as SendOptions).dontRoute) flags |= constants.MSG_DONTROUTE;
  if ((options as RecvOptions).peek) flags |= constants.MSG_PEEK;
  if ((options as RecvOptions).waitAll) flags |= constants.MSG_WAITALL;
  return flags;
}

/** The bytes to send: strings in their encoding, any view as a Uint8Array. */
export function bytesOf(data: unknown, encoding: BufferEncoding | undefined): Uint8Array {
  if (typeof data === 'string') {
    if (encoding !== undefined && !Buffer.isEncoding(encoding)) {
      throw invalidArgValue('encoding', encoding, 'must be a Buffer encoding');
    }
    return Buffer.from(data, encoding ?? 'utf8');
  }
  if (ArrayBuffer.isView(data)) {
    // Bytes that were transferred away cannot be sent: say so, rather than
    // send nothing.
    if (isDetachedView(data)) throw invalidArgValue('data', data, 'is detached (its ArrayBuffer was transferred)');
    return types.isUint8Array(data) ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  if (types.isAnyArrayBuffer(data)) {
    if (isDetached(data)) throw invalidArgValue('data', data, 'is detached (it was transferred)');
    return new Uint8Array(data);
  }
  throw invalidArgType('data', 'a string, Buffer, TypedArray, DataView or ArrayBuffer', data);
}

/** A recv size: an integer from 0 to 2^31 - 1. */
export function checkSize(size: unknown): number {
  if (typeof size !== 'number') throw invalidArgType('size', 'of type number', size);
  if (!Number.isInteger(size) || size < 0 || size > 0x7fffffff) {
    throw outOfRange('size', 'an integer >= 0 and <= 2147483647', size);
  }
  return size;
}

/** An AbortSignal or nothing. */
export function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (!(signal instanceof AbortSignal)) throw invalidArgType('options.signal', 'an AbortSignal', signal);
  return signal;
}
