// Socket addresses: checked here, encoded by the addon (inet_pton / sockaddr_un).
import { invalidArgType, outOfRange } from '../errors';
import type { NativeAddress, NativeAddressOut } from '../native';
import type { Family } from './types';

/** An IP address and port: sockaddr_in / sockaddr_in6 (Winsock `SOCKADDR_IN6`). */
export interface SocketAddress {
  /** The family the address is of; reported, not needed when giving one. */
  family?: 'inet' | 'inet6';
  /** The IP literal, `127.0.0.1` or `::1` (no host names: no resolver runs). */
  address: string;
  /** The port, 0 to 65535 (0 in bind(): the stack picks one). */
  port: number;
  /** sin6_flowinfo (IPv6). */
  flowinfo?: number;
  /** sin6_scope_id (IPv6): the interface of a link-local address. */
  scopeId?: number;
}

/** A Unix domain socket's address: sockaddr_un (AF_UNIX on Windows too). */
export interface UnixAddress {
  /** The family the address is of; reported, not needed when giving one. */
  family?: 'unix';
  /** The socket's path in the file system (empty: unnamed). */
  path: string;
}

/** Any address a socket call takes or reports. */
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
