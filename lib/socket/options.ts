// Typed socket options: one table from a name to its level, number and
// value shape, so that setOption/getOption and their tests share it.
import { constants } from '../native';
import { UsageError, invalidArgType, outOfRange } from '../errors';
import type { NativeSocket } from '../native';
import { binding } from '../native';
import { describe } from '../errors';

/** SO_LINGER's value: struct linger (Winsock's with u_short fields). */
export interface Linger {
  /** l_onoff: close() lingers (or, with 0 seconds, resets the connection). */
  enabled: boolean;
  /** l_linger: how long close() lingers, in seconds. */
  seconds: number;
}

/** Each typed option and the type of its value (getOption's result, setOption's argument). */
export interface OptionValues {
  /** Bind a port another socket holds or held (TIME_WAIT); Winsock: may take a port another socket is bound to. */
  SO_REUSEADDR: boolean;
  /** Share a port between sockets, each getting a share of the connections (Linux, BSD; not Windows). */
  SO_REUSEPORT: boolean;
  /** Windows: no other socket may bind this port, even with SO_REUSEADDR. */
  SO_EXCLUSIVEADDRUSE: boolean;
  /** Probe an idle connection (the times: setKeepAlive()). */
  SO_KEEPALIVE: boolean;
  /** Allow sends to a broadcast address. */
  SO_BROADCAST: boolean;
  /** Urgent data stays in the normal stream instead of being read with `oob`. */
  SO_OOBINLINE: boolean;
  /** Send small writes at once (Nagle's algorithm off). */
  TCP_NODELAY: boolean;
  /** An IPv6 socket takes IPv6 only, no IPv4-mapped peers (default: off on Linux, on on Windows). */
  IPV6_V6ONLY: boolean;
  /** Multicast sent from this socket loops back to this host. */
  IP_MULTICAST_LOOP: boolean;
  /** recvMsg() then reports each datagram's destination address and interface. */
  IP_PKTINFO: boolean;
  /** The IPv6 form of IP_PKTINFO. */
  IPV6_RECVPKTINFO: boolean;
  /** recvMsg() then reports each datagram's IP_TOS / IP_TTL. */
  IP_RECVTOS: boolean;
  /** recvMsg() then reports each datagram's TTL. */
  IP_RECVTTL: boolean;
  /** recvMsg() then reports each datagram's arrival time (Linux). */
  SO_TIMESTAMPNS: boolean;
  /** A raw socket's sends then carry their own IP header. */
  IP_HDRINCL: boolean;
  /** The receive buffer's size in bytes (Linux reports double what was set). */
  SO_RCVBUF: number;
  /** The send buffer's size in bytes (Linux reports double what was set). */
  SO_SNDBUF: number;
  /** The time-to-live of outgoing unicast packets. */
  IP_TTL: number;
  /** The type-of-service byte of outgoing packets. */
  IP_TOS: number;
  /** The time-to-live of outgoing multicast packets. */
  IP_MULTICAST_TTL: number;
  /** What close() does with unsent bytes: linger `seconds`, or reset at once with 0. */
  SO_LINGER: Linger;
  /** The pending error's code name, or null (read only). */
  SO_ERROR: string | null;
  /** The socket's type (read only). */
  SO_TYPE: 'stream' | 'dgram' | 'raw' | `unknown (${number})`;
}

/** The name of a typed option: getOption() and setOption() take these. */
export type OptionName = keyof OptionValues;
/** The options setOption takes (SO_ERROR and SO_TYPE are read only). */
export type WritableOptionName = Exclude<OptionName, 'SO_ERROR' | 'SO_TYPE'>;

type Shape = 'boolean' | 'number' | 'linger' | 'error' | 'type';

interface OptionSpec {
  level: string;
  shape: Shape;
  readOnly?: boolean;
}

/** Every typed option: its level (a constants name) and its value's shape. */
export const OPTIONS: Readonly<Record<OptionName, OptionSpec>> = {
  SO_REUSEADDR: { level: 'SOL_SOCKET', shape: 'boolean' },
  SO_REUSEPORT: { level: 'SOL_SOCKET', shape: 'boolean' },
  SO_EXCLUSIVEADDRUSE: { level: 'SOL_SOCKET', shape: 'boolean' },
  SO_KEEPALIVE: { level: 'SOL_SOCKET', shape: 'boolean' },
  SO_BROADCAST: { level: 'SOL_SOCKET', shape: 'boolean' },
  SO_OOBINLINE: { level: 'SOL_SOCKET', shape: 'boolean' },
  TCP_NODELAY: { level: 'IPPROTO_TCP', shape: 'boolean' },
  IPV6_V6ONLY: { level: 'IPPROTO_IPV6', shape: 'boolean' },
  IP_MULTICAST_LOOP: { level: 'IPPROTO_IP', shape: 'boolean' },
  IP_PKTINFO: { level: 'IPPROTO_IP', shape: 'boolean' },
  IPV6_RECVPKTINFO: { level: 'IPPROTO_IPV6', shape: 'boolean' },
  IP_RECVTOS: { level: 'IPPROTO_IP', shape: 'boolean' },
  IP_RECVTTL: { level: 'IPPROTO_IP', shape: 'boolean' },
  SO_TIMESTAMPNS: { level: 'SOL_SOCKET', shape: 'boolean' },
  IP_HDRINCL: { level: 'IPPROTO_IP', shape: 'boolean' },
  SO_RCVBUF: { level: 'SOL_SOCKET', shape: 'number' },
  SO_SNDBUF: { level: 'SOL_SOCKET', shape: 'number' },
  IP_TTL: { level: 'IPPROTO_IP', shape: 'number' },
  IP_TOS: { level: 'IPPROTO_IP', shape: 'number' },
  IP_MULTICAST_TTL: { level: 'IPPROTO_IP', shape: 'number' },
  SO_LINGER: { level: 'SOL_SOCKET', shape: 'linger' },
  SO_ERROR: { level: 'SOL_SOCKET', shape: 'error', readOnly: true },
  SO_TYPE: { level: 'SOL_SOCKET', shape: 'type', readOnly: true },
};

// An option number no stack knows: an option this platform lacks is asked
// of the stack with it, so the stack itself answers ENOPROTOOPT.
const UNKNOWN_OPTION = 0x7ffe;

function spec(name: unknown): OptionSpec {
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(OPTIONS, name)) {
    const error = new TypeError(`unknown socket option ${describe(name)}; known: ${Object.keys(OPTIONS).join(', ')}`);
    (error as TypeError & { code: string }).code = 'ERR_UNKNOWN_OPTION';
    throw error;
  }
  return OPTIONS[name as OptionName];
}

function numbers(name: string, option: OptionSpec): [number, number] {
  const level = constants[option.level];
  // An addon built without the level (as MSVC's once was without IPPROTO_TCP,
  // an enum value there) must not ask another level instead: option 1 of
  // SOL_SOCKET is SO_DEBUG, not TCP_NODELAY.
  if (level === undefined) {
    throw new UsageError(`socket option ${name} is unavailable: this build exports no ${option.level}, its level`,
      'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM');
  }
  return [level, constants[name] ?? UNKNOWN_OPTION];
}

function encode(name: string, shape: Shape, value: unknown): number | Uint8Array {
  switch (shape) {
    case 'boolean':
      if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value);
      return value ? 1 : 0;
    case 'number':
      if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
      if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
        throw outOfRange(name, 'an integer >= 0 and <= 2147483647', value);
      }
      return value;
    case 'linger': {
      const linger = value as Partial<Linger> | null;
      if (linger === null || typeof linger !== 'object' || typeof linger.enabled !== 'boolean') {
        throw invalidArgType(name, 'an object like { enabled: boolean, seconds: number }', value);
      }
      const seconds = linger.seconds ?? 0;
      if (!Number.isInteger(seconds) || seconds < 0 || seconds > 65535) {
        throw outOfRange(`${name}.seconds`, 'an integer >= 0 and <= 65535', seconds);
      }
      // struct linger: two ints on POSIX, two u_shorts on Windows.
      const field = constants.SIZEOF_LINGER / 2;
      const bytes = Buffer.alloc(constants.SIZEOF_LINGER);
      writeField(bytes, linger.enabled ? 1 : 0, 0, field);
      writeField(bytes, seconds, field, field);
      return bytes;
    }
    default:
      throw invalidArgValue(name);
  }
}

const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// Fields of C structs in the host's byte order.
function writeField(bytes: Buffer, value: number, offset: number, size: number): void {
  if (isLittleEndian) bytes.writeUIntLE(value, offset, size);
  else bytes.writeUIntBE(value, offset, size);
}

function readField(bytes: Buffer, offset: number, size: number): number {
  return isLittleEndian ? bytes.readUIntLE(offset, size) : bytes.readUIntBE(offset, size);
}

function readInt(bytes: Buffer): number {
  if (bytes.length >= 4) return isLittleEndian ? bytes.readInt32LE(0) : bytes.readInt32BE(0);
  return bytes.length > 0 ? bytes[0] : 0;
}

function invalidArgValue(name: string): TypeError {
  const error = new TypeError(`${name} is read-only`);
  (error as TypeError & { code: string }).code = 'ERR_INVALID_ARG_VALUE';
  return error;
}

function typeName(value: number): string {
  if (value === constants.SOCK_STREAM) return 'stream';
  if (value === constants.SOCK_DGRAM) return 'dgram';
  if (value === constants.SOCK_RAW) return 'raw';
  return `unknown (${value})`;
}

/** setsockopt with a typed value. */
export function setOption(socket: NativeSocket, name: unknown, value: unknown): void {
  const option = spec(name);
  if (option.readOnly) throw invalidArgValue(name as string);
  const [level, number] = numbers(name as string, option);
  socket.setsockopt(level, number, encode(name as string, option.shape, value));
}

/** getsockopt, decoded to the option's type. */
export function getOption(socket: NativeSocket, name: unknown): unknown {
  const option = spec(name);
  const [level, number] = numbers(name as string, option);
  if (option.shape === 'linger') {
    const bytes = socket.getsockopt(level, number, constants.SIZEOF_LINGER);
    const field = constants.SIZEOF_LINGER / 2;
    return { enabled: readField(bytes, 0, field) !== 0, seconds: readField(bytes, field, field) } satisfies Linger;
  }
  const value = readInt(socket.getsockopt(level, number, 4));
  switch (option.shape) {
    case 'boolean': return value !== 0;
    case 'error': return binding.errname(value);
    case 'type': return typeName(value);
    default: return value;
  }
}
