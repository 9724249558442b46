// Checks and conversions of the arguments socket calls share, done before
// any system call.
import { constants } from './constants';
import { invalidArgType, outOfRange } from './errors';
import type { RecvOptions, SendOptions } from './socket';

/** The MSG_* flags of send/recv options, in the platform's numbers. */
export function flagsOf(options: SendOptions | RecvOptions | undefined): number {
  if (options === undefined) return 0;
  if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
  let flags = options.flags ?? 0;
  if (!Number.isInteger(flags)) throw invalidArgType('options.flags', 'an integer', flags);
  if (options.oob) flags |= constants.MSG_OOB;
  if ((options as SendOptions).dontRoute) flags |= constants.MSG_DONTROUTE;
  if ((options as RecvOptions).peek) flags |= constants.MSG_PEEK;
  if ((options as RecvOptions).waitAll) flags |= constants.MSG_WAITALL;
  return flags;
}

/** The bytes to send: strings in their encoding, any view as a Uint8Array. */
export function bytesOf(data: unknown, encoding: BufferEncoding | undefined): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data === 'string') return Buffer.from(data, encoding ?? 'utf8');
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw invalidArgType('data', 'a string, Buffer, TypedArray or DataView', data);
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
