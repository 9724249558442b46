// sendMsg / recvMsg: the message calls (sendmsg(2)/recvmsg(2), Winsock
// WSASendMsg/WSARecvMsg) as typed values: buffers, an address, flags, and
// ancillary data. The addon lays out and walks the control messages (their
// headers and alignment are the platform's); this file checks arguments
// and shapes results.
import { isIP } from 'node:net';

import { type AddressOf, type AnyAddress, fromNative, toNative } from './address';
import { bytesOf, checkSignal, checkSize, flagsOf } from './arguments';
import { cancellable } from './cancel';
import { constants } from '../native';
import { UsageError, invalidArgType, invalidArgValue, outOfRange } from '../errors';
import { type NativeMessage, type NativeSocket, binding } from '../native';
import type { Family, RecvOptions, SendOptions } from './types';


/** A control message as the stack takes it: level, type, and the bytes of its data. */
export interface ControlMessage {
  /** cmsg_level: the protocol level (IPPROTO_IP, SOL_SOCKET, ... from `constants`). */
  level: number;
  /** cmsg_type: the message's type at that level (IP_TOS, ...). */
  type: number;
  /** The data, laid out as the stack expects it. */
  data: Uint8Array;
}

/** IP_PKTINFO / IPV6_PKTINFO: send from this source address (one of this host's), and interface (0: any). */
export interface PacketInfoControl {
  /** The source to send from. */
  packetInfo: {
    /** One of this host's addresses, IPv4 or IPv6. */
    address: string;
    /** The interface to send on (0 or absent: any). */
    interfaceIndex?: number;
  };
}

/** SCM_RIGHTS (POSIX): the descriptors of these sockets, duplicated into the receiver. */
export interface RightsControl {
  /** The sockets (anything with an `fd`) whose descriptors go along. */
  rights: {
    /** The descriptor to pass. */
    readonly fd: number;
  }[];
}

/** What sendMsg() sends besides the bytes: sendmsg(2) / Winsock `WSASendMsg`. */
export interface SendMsgOptions extends SendOptions {
  /** The destination (a datagram socket that is not connected). */
  address?: AnyAddress | string;
  /** Ancillary data (control messages) to send along. */
  control?: (ControlMessage | RightsControl | PacketInfoControl)[];
}

/** How recvMsg() reads: recvmsg(2) / Winsock `WSARecvMsg`. */
export interface RecvMsgOptions extends RecvOptions {
  /** Room for control data in bytes (the ancbufsize of Python's recvmsg); default 1024. */
  controlSize?: number;
}

interface ControlBase {
  level: number;
  type: number;
  /** The control message's data as the stack wrote it. */
  data: Buffer;
}

/** A received control message: decoded where the type is known, raw bytes always. */
export type ReceivedControl =
  /** IP_PKTINFO / IPV6_PKTINFO: where the datagram was sent to, and on which interface it came. */
  | (ControlBase & {
    /** Decoded as IP_PKTINFO / IPV6_PKTINFO. */
    kind: 'packetInfo';
    /** The address the datagram was sent to. */
    address: string;
    /** The interface it arrived on. */
    interfaceIndex: number;
  })
  /** IP_TOS (after IP_RECVTOS) / IPV6_TCLASS. */
  | (ControlBase & {
    /** Decoded as IP_TOS / IPV6_TCLASS. */
    kind: 'tos';
    /** The type-of-service (traffic class) byte. */
    value: number;
  })
  /** IP_TTL (after IP_RECVTTL) / IPV6_HOPLIMIT. */
  | (ControlBase & {
    /** Decoded as IP_TTL / IPV6_HOPLIMIT. */
    kind: 'ttl';
    /** The time-to-live (hop limit) the datagram arrived with. */
    value: number;
  })
  /** SO_TIMESTAMPNS (Linux): the time the datagram arrived. */
  | (ControlBase & {
    /** Decoded as SO_TIMESTAMPNS. */
    kind: 'timestamp';
    /** Whole seconds since the epoch. */
    seconds: number;
    /** And nanoseconds past them. */
    nanoseconds: number;
  })
  /** SCM_RIGHTS (POSIX): each descriptor as a single-use handle for Socket.adopt(). */
  | (ControlBase & {
    /** Decoded as SCM_RIGHTS. */
    kind: 'rights';
    /** One single-use handle per descriptor, for Socket.adopt(). */
    handles: ArrayBuffer[];
  })
  /** A type this package does not decode: `level`, `type` and `data` only. */
  | (ControlBase & {
    /** Not decoded. */
    kind: 'raw';
  });

/** What recvFrom() resolves with: the bytes of one datagram and its sender. */
export interface ReceivedDatagram<F extends Family = Family> {
  /** The datagram's bytes, at most `size`. */
  data: Buffer;
  /** The sender's address. */
  address: AddressOf<F>;
  /** Whether the datagram was longer than `size` (the rest is lost). */
  truncated: boolean;
}

/** What recvMsg() resolves with: recvmsg(2)'s msghdr / Winsock `WSAMSG`, as values. */
export interface ReceivedMessage<F extends Family = Family> {
  /** The bytes, cut at the sizes asked for (the stack fills buffers in order). */
  buffers: Buffer[];
  /** All the bytes in one Buffer. */
  data: Buffer;
  /** The sender's address (datagrams), or an empty one. */
  address: AddressOf<F>;
  /** MSG_TRUNC: the datagram was longer than the buffers. */
  truncated: boolean;
  /** MSG_CTRUNC: control data did not fit in controlSize. */
  controlTruncated: boolean;
  /** msg_flags / WSAMSG.dwFlags, in the platform's numbers. */
  flags: number;
  /** The control messages that came, decoded where their type is known. */
  control: ReceivedControl[];
}

const DEFAULT_CONTROL_SIZE = 1024;

/** The bytes of one message: the buffers gathered in order. */
export function gatherBuffers(buffers: unknown, encoding: BufferEncoding | undefined): Uint8Array {
  if (!Array.isArray(buffers)) return bytesOf(buffers, encoding);
  const parts = buffers.map((part) => bytesOf(part, encoding));
  // One datagram of the buffers in order: what sendmsg makes of an iovec.
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/** The control messages to send, as the addon takes them. */
export function controlOf(control: unknown): ControlMessage[] | undefined {
  if (control === undefined) return undefined;
  if (!Array.isArray(control)) throw invalidArgType('options.control', 'an array', control);
  return control.map((entry, index) => {
    const name = `options.control[${index}]`;
    if (entry === null || typeof entry !== 'object') throw invalidArgType(name, 'an object', entry);
    if ('rights' in entry) return rightsMessage(name, (entry as RightsControl).rights);
    if ('packetInfo' in entry) return packetInfoMessage(name, (entry as PacketInfoControl).packetInfo);
    const { level, type, data } = entry as ControlMessage;
    if (!Number.isInteger(level)) throw invalidArgType(`${name}.level`, 'an integer', level);
    if (!Number.isInteger(type)) throw invalidArgType(`${name}.type`, 'an integer', type);
    return { level, type, data: bytesOf(data, undefined) };
  });
}

function packetInfoMessage(name: string, info: unknown): ControlMessage {
  if (info === null || typeof info !== 'object') throw invalidArgType(`${name}.packetInfo`, 'an object like { address }', info);
  const { address, interfaceIndex = 0 } = info as PacketInfoControl['packetInfo'];
  if (typeof address !== 'string' || isIP(address) === 0) throw invalidArgValue(`${name}.packetInfo.address`, address, 'must be an IP address');
  if (!Number.isInteger(interfaceIndex) || interfaceIndex < 0 || interfaceIndex > 0x7fffffff) {
    throw outOfRange(`${name}.packetInfo.interfaceIndex`, 'an integer >= 0', interfaceIndex);
  }
  return binding.NativeSocket.packetInfo({ address, port: 0 }, interfaceIndex);
}

function rightsMessage(name: string, rights: unknown): ControlMessage {
  if (constants.SCM_RIGHTS === undefined) {
    throw new UsageError('SCM_RIGHTS is POSIX only; on Windows hand a socket over with share(pid) / Socket.fromShare()',
      'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM');
  }
  if (!Array.isArray(rights) || rights.length === 0) throw invalidArgType(`${name}.rights`, 'a non-empty array of sockets', rights);
  const fds = new Int32Array(rights.length);
  rights.forEach((socket, i) => {
    const fd = (socket as { fd?: unknown })?.fd;
    if (typeof fd !== 'number' || fd < 0) throw invalidArgValue(`${name}.rights[${i}]`, socket, 'must be an open socket');
    fds[i] = fd;
  });
  return { level: constants.SOL_SOCKET, type: constants.SCM_RIGHTS, data: new Uint8Array(fds.buffer) };
}

/** The sizes to receive: one number, or one per buffer. */
export function sizesOf(sizes: unknown): number[] {
  if (!Array.isArray(sizes)) return [checkSize(sizes)];
  if (sizes.length === 0) throw invalidArgValue('sizes', sizes, 'must name at least one buffer');
  const list = sizes.map((size) => checkSize(size));
  if (list.reduce((sum, size) => sum + size, 0) > 0x7fffffff) throw outOfRange('sizes', 'a total <= 2147483647', sizes);
  return list;
}

export function controlSizeOf(options: RecvMsgOptions | undefined): number {
  const size = options?.controlSize ?? DEFAULT_CONTROL_SIZE;
  if (typeof size !== 'number') throw invalidArgType('options.controlSize', 'of type number', size);
  if (!Number.isInteger(size) || size < 0 || size > 65536) throw outOfRange('options.controlSize', 'an integer >= 0 and <= 65536', size);
  return size;
}

/** The addon's result with the bytes cut into the buffers asked for. */
export function messageOf<F extends Family>(result: NativeMessage, sizes: number[]): ReceivedMessage<F> {
  const buffers: Buffer[] = [];
  let offset = 0;
  for (const size of sizes) {
    const end = Math.min(offset + size, result.data.length);
    buffers.push(result.data.subarray(offset, end));
    offset = end;
  }
  return {
    buffers,
    data: result.data,
    address: fromNative(result.address) as AddressOf<F>,
    truncated: result.truncated,
    controlTruncated: result.controlTruncated,
    flags: result.flags,
    control: result.control as ReceivedControl[],
  };
}

/** Socket.sendMsg: the arguments checked, then one sendmsg / WSASendMsg. */
export function sendMsgOn(native: NativeSocket, buffers: unknown, options: SendMsgOptions | undefined): Promise<number> {
  const flags = flagsOf(options);
  const address = options?.address === undefined ? undefined : toNative(options.address);
  const control = controlOf(options?.control);
  return native.sendMsg(gatherBuffers(buffers, options?.encoding), address, flags, control);
}

/** Socket.recvMsg: the arguments checked, then one recvmsg / WSARecvMsg cut into the buffers asked for. */
export function recvMsgOn<F extends Family>(native: NativeSocket, sizes: unknown,
  options: RecvMsgOptions | undefined): Promise<ReceivedMessage<F>> {
  const list = sizesOf(sizes);
  const total = list.reduce((sum, size) => sum + size, 0);
  const controlSize = controlSizeOf(options);
  const flags = flagsOf(options);
  const signal = checkSignal(options?.signal);
  return cancellable(native, signal, (id) => native.recvMsg(total, controlSize, flags, id))
    .then((result) => messageOf<F>(result, list));
}
