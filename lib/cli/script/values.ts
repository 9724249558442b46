// Results as a step line shows them, and whether one matches the JSON value
// a script expects: a string compares as text with received bytes (UTF-8,
// as strings are sent) or with an address (HOST:PORT); an array of numbers
// with bytes; an object with the keys it names; "@name" stands for that
// socket's local address.
import { types } from 'node:util';

import { addressText, bytesText } from '../../trace';

function isAddress(value: unknown): value is { address: string; port: number } {
  return value !== null && typeof value === 'object' && typeof (value as { address?: unknown }).address === 'string' &&
    typeof (value as { port?: unknown }).port === 'number';
}

function isSocketLike(value: unknown): value is { fd: number; state: string; on: unknown } {
  return value !== null && typeof value === 'object' && typeof (value as { on?: unknown }).on === 'function' &&
    typeof (value as { state?: unknown }).state === 'string';
}

/** A JSON-friendly copy of a result: bytes as text, addresses as HOST:PORT, sockets by fd. */
export function plain(value: unknown): unknown {
  if (value === undefined) return null;
  if (types.isUint8Array(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  if (isAddress(value)) return addressText(value);
  if (isSocketLike(value)) return { socket: value.fd, state: value.state };
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    if ('path' in value && typeof (value as { path: unknown }).path === 'string') return (value as { path: string }).path;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]));
  }
  return value;
}

/** A result as a step line prints it. */
export function show(value: unknown): string {
  if (value === undefined) return 'ok';
  if (types.isUint8Array(value)) return value.length === 0 ? '"" (0 bytes)' : bytesText(value);
  if (isAddress(value)) return addressText(value);
  if (isSocketLike(value)) return `a socket, fd ${value.fd}, ${value.state}`;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const parts = Object.entries(value).map(([key, item]) => `${key}: ${show(item)}`);
    return `{ ${parts.join(', ')} }`;
  }
  return JSON.stringify(value) ?? String(value);
}

/** Whether `actual` is what `expected` (a JSON value) describes; `resolve` gives "@name"'s address text. */
export function matches(expected: unknown, actual: unknown, resolve: (name: string) => string): boolean {
  if (typeof expected === 'string' && expected.startsWith('@') && /^@\w+$/.test(expected)) expected = resolve(expected.slice(1));
  if (types.isUint8Array(actual)) {
    if (typeof expected === 'string') return Buffer.from(expected, 'utf8').equals(actual);
    if (Array.isArray(expected)) return Buffer.from(expected as number[]).equals(actual);
    return false;
  }
  if (isAddress(actual) && typeof expected === 'string') return addressText(actual) === expected;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((item, i) => matches(item, actual[i], resolve));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return false;
    return Object.entries(expected).every(([key, item]) => matches(item, (actual as Record<string, unknown>)[key], resolve));
  }
  if (actual === undefined) return expected === null;
  return Object.is(expected, actual);
}
