// The raw option calls: setsockopt and getsockopt by level and number, and
// SO_KEEPALIVE with its timing; their arguments checked, then one call.
import { types } from 'node:util';

import type { NativeSocket } from '../native';
import { invalidArgType, invalidArgValue, isDetachedView, optionsObject, outOfRange } from '../errors';
import type { KeepAliveOptions } from './types';

/** setsockopt(level, name, value): an int or the value's bytes. */
export function setRaw(native: NativeSocket, level: unknown, name: unknown, value: unknown): void {
  if (!Number.isInteger(level)) throw invalidArgType('level', 'an integer', level);
  if (!Number.isInteger(name)) throw invalidArgType('name', 'an integer', name);
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
      throw outOfRange('value', 'a 32-bit integer', value);
    }
  } else if (!types.isUint8Array(value)) {
    throw invalidArgType('value', 'an integer or a Uint8Array', value);
  } else if (isDetachedView(value)) {
    throw invalidArgValue('value', value, 'is detached (its ArrayBuffer was transferred)');
  }
  native.setsockopt(level as number, name as number, value as number | Uint8Array);
}

/** getsockopt(level, name): the `size` bytes the stack wrote. */
export function getRaw(native: NativeSocket, level: unknown, name: unknown, size: unknown): Buffer {
  if (!Number.isInteger(level)) throw invalidArgType('level', 'an integer', level);
  if (!Number.isInteger(name)) throw invalidArgType('name', 'an integer', name);
  if (!Number.isInteger(size) || (size as number) < 1 || (size as number) > 65536) {
    throw outOfRange('size', '>= 1 and <= 65536', size);
  }
  return native.getsockopt(level as number, name as number, size as number);
}

/** SO_KEEPALIVE and its timing, -1 for each one not given. */
export function setKeepAlive(native: NativeSocket, enable: unknown, options: KeepAliveOptions | undefined): void {
  if (typeof enable !== 'boolean') throw invalidArgType('enable', 'of type boolean', enable);
  const given = optionsObject('options', options);
  const value = (name: keyof KeepAliveOptions): number => {
    const number = given[name];
    if (number === undefined) return -1;
    if (typeof number !== 'number') throw invalidArgType(`options.${name}`, 'of type number', number);
    if (!Number.isInteger(number) || number < 0 || number > 0x7fffffff) {
      throw outOfRange(`options.${name}`, 'an integer >= 0 and <= 2147483647', number);
    }
    return number;
  };
  native.setKeepAlive(enable, value('idleMs'), value('intervalMs'), value('count'));
}
