// Checks and conversions of the arguments socket calls share, done before
// any system call.
import { types } from 'node:util';

import { constants } from '../native';
import { invalidArgType, invalidArgValue, isDetached, isDetachedView, optionsObject, outOfRange } from '../errors';
import type { Family, RecvOptions, SendOptions, SocketType } from './types';

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

/** The constants' names of each family and type. */
export const FAMILIES: Record<Family, string> = { inet: 'AF_INET', inet6: 'AF_INET6', unix: 'AF_UNIX' };
export const TYPES: Record<SocketType, string> = { stream: 'SOCK_STREAM', dgram: 'SOCK_DGRAM', raw: 'SOCK_RAW' };

/** A family name checked: 'inet', 'inet6' or 'unix'. */
export function checkFamily(name: string, family: unknown): Family {
  if (typeof family !== 'string' || !Object.prototype.hasOwnProperty.call(FAMILIES, family)) {
    throw invalidArgValue(name, family, "must be 'inet', 'inet6' or 'unix'");
  }
  return family as Family;
}

/** A type name checked: 'stream', 'dgram' or 'raw'. */
export function checkType(name: string, type: unknown): SocketType {
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(TYPES, type)) {
    throw invalidArgValue(name, type, "must be 'stream', 'dgram' or 'raw'");
  }
  return type as SocketType;
}

/** connect()'s timeout: milliseconds Node's timers can keep (they clamp longer ones to 1 ms). */
export function checkTimeout(timeout: unknown): number | undefined {
  if (timeout !== undefined && typeof timeout !== 'number') throw invalidArgType('options.timeout', 'of type number', timeout);
  if (timeout !== undefined && !((timeout as number) >= 0 && (timeout as number) <= 0x7fffffff)) {
    throw outOfRange('options.timeout', 'a number of milliseconds >= 0 and <= 2147483647', timeout);
  }
  return timeout as number | undefined;
}

/** startReading()'s callbacks and options: the read size, and the caller's buffer if any. */
export function readingOf(onData: unknown, onEnd: unknown, options: { size?: number; buffer?: Uint8Array } | undefined,
  defaultSize: number): { size: number; buffer: Uint8Array | undefined } {
  if (typeof onData !== 'function') throw invalidArgType('onData', 'a function', onData);
  if (onEnd !== undefined && typeof onEnd !== 'function') throw invalidArgType('onEnd', 'a function', onEnd);
  const { size: given, buffer } = optionsObject('options', options);
  if (buffer !== undefined && !(buffer instanceof Uint8Array)) {
    throw invalidArgType('options.buffer', 'a Uint8Array or Buffer', buffer);
  }
  const limit = buffer === undefined ? defaultSize : buffer.byteLength;
  const size = given === undefined ? limit : checkSize(given);
  if (size === 0) throw outOfRange('options.size', '>= 1', size);
  if (buffer !== undefined && size > buffer.byteLength) {
    throw outOfRange('options.size', `<= options.buffer.byteLength (${buffer.byteLength})`, size);
  }
  return { size, buffer };
}

/** listen()'s backlog: a 32-bit integer (the stack clamps it to its own bounds). */
export function checkBacklog(backlog: unknown): number {
  if (typeof backlog !== 'number') throw invalidArgType('backlog', 'of type number', backlog);
  if (!Number.isInteger(backlog) || backlog < -0x80000000 || backlog > 0x7fffffff) {
    throw outOfRange('backlog', 'a 32-bit integer', backlog);
  }
  return backlog;
}

const SHUTDOWN = { receive: 0, send: 1, both: 2 } as const;

/** shutdown()'s `how` as SHUT_RD / SHUT_WR / SHUT_RDWR (SD_RECEIVE / SD_SEND / SD_BOTH). */
export function shutdownOf(how: unknown): number {
  if (typeof how !== 'string' || !Object.prototype.hasOwnProperty.call(SHUTDOWN, how)) {
    throw invalidArgValue('how', how, "must be 'send', 'receive' or 'both'");
  }
  return SHUTDOWN[how as keyof typeof SHUTDOWN];
}
