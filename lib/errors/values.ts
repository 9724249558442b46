// Looking at values a caller passed, without running their code: argument
// checks and error messages must work on anything (a null-prototype
// object, a Proxy, a BigInt, a view whose buffer was transferred away).
import { types } from 'node:util';

/** A short, safe description of a value for an error message ("Received ..."). */
export function describe(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `'${value.length > 28 ? `${value.slice(0, 25)}...` : value}'`;
    case 'bigint':
      return `type bigint (${value}n)`;
    case 'symbol':
      return `type symbol (${value.description ?? ''})`;
    case 'number':
    case 'boolean':
    case 'undefined':
      return `type ${typeof value} (${String(value)})`;
    default:
      break;
  }
  if (value === null) return 'null';
  if (types.isProxy(value)) return 'a Proxy';
  if (typeof value === 'function') {
    const name = Object.getOwnPropertyDescriptor(value, 'name')?.value;
    return `function ${typeof name === 'string' && name !== '' ? name : '<anonymous>'}`;
  }
  const prototype = Object.getPrototypeOf(value) as object | null;
  if (prototype === null) return 'an object with a null prototype';
  const name = Object.getOwnPropertyDescriptor(prototype, 'constructor')?.value?.name;
  return `an instance of ${typeof name === 'string' && name !== '' ? name : 'Object'}`;
}

/** Whether an ArrayBuffer's memory was transferred or detached. */
export function isDetached(buffer: ArrayBufferLike): boolean {
  if (types.isSharedArrayBuffer(buffer)) return false;
  const detached = (buffer as { detached?: unknown }).detached;
  if (typeof detached === 'boolean') return detached;  // Node 22+
  if (buffer.byteLength !== 0) return false;
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

/** Whether a real typed array or DataView (not a Proxy of one) has lost its memory. */
export function isDetachedView(view: ArrayBufferView): boolean {
  return view.byteLength === 0 && isDetached(view.buffer);
}
