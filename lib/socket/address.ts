// Socket addresses: checked here, encoded by the addon (inet_pton / sockaddr_un).
import { invalidArgType, outOfRange } from '../errors';
import type { NativeAddress, NativeAddressOut } from '../native';
import type { Family } from './types';

export interface SocketAddress {
  family?: 'inet' | 'inet6';
  address: string;
  port: number;
  flowinfo?: number;
  scopeId?: number;
}

export interface UnixAddress {
  family?: 'unix';
  path: string;
}

export type AnyAddress = SocketAddress | UnixAddress;

/**
 * The address a socket of family F reports (getsockname, getpeername,
 * recvfrom): `{ address, port }` for 'inet' and 'inet6', `{ path }` for
 * 'unix', either for a family not known at compile time.
 */
export type AddressOf<F extends Family> = F extends 'unix' ? UnixAddress : SocketAddress;

function checkUint32(value: unknown, name: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw outOfRange(name, '>= 0 and <= 4294967295', value);
  }
}

/** Checks an address argument: `{ address, port }`, `{ path }` or a path string. */
export function toNative(value: unknown, name = 'address'): NativeAddress | string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') {
    throw invalidArgType(name, 'an object like { address, port } or a path string', value);
  }
  const candidate = value as Partial<SocketAddress & UnixAddress>;
  if (typeof candidate.path === 'string') return candidate.path;
  if (typeof candidate.address !== 'string') {
    throw invalidArgType(`${name}.address`, 'of type string', candidate.address);
  }
  if (typeof candidate.port !== 'number') throw invalidArgType(`${name}.port`, 'of type number', candidate.port);
  if (!Number.isInteger(candidate.port) || candidate.port < 0 || candidate.port > 65535) {
    throw outOfRange(`${name}.port`, '>= 0 and <= 65535', candidate.port);
  }
  checkUint32(candidate.flowinfo, `${name}.flowinfo`);
  checkUint32(candidate.scopeId, `${name}.scopeId`);
  const result: NativeAddress = { address: candidate.address, port: candidate.port };
  if (candidate.flowinfo !== undefined) result.flowinfo = candidate.flowinfo;
  if (candidate.scopeId !== undefined) result.scopeId = candidate.scopeId;
  return result;
}

/** The address the addon read (getsockname, getpeername, recvfrom, accept). */
export function fromNative(value: NativeAddressOut): AnyAddress {
  if (value.family === 'unix') return { family: 'unix', path: value.path };
  return value;
}
