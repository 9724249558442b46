// The addon, loaded once per environment by node-gyp-build (prebuilds/ or
// build/), with the error classes of errors.ts and the chunk makers of
// slab.ts handed to it.
import path from 'node:path';
import { AbortError, SocketError, UsageError } from '../errors';
import { chunkSlab, chunkView } from './slab';
import { promised, ring } from './completions';

/**
 * What recvMsg() resolves with (native/socket_messages.cc); `control` holds
 * the shapes of lib/socket/message.ts's ReceivedControl, which the addon
 * builds.
 */
export interface NativeMessage {
  data: Buffer;
  address: NativeAddressOut;
  truncated: boolean;
  controlTruncated: boolean;
  flags: number;
  control: unknown[];
}

/** The JS-facing native socket (native/socket_wrap.cc). */
export interface NativeSocket {
  readonly fd: number;
  activitySlot(): [Float64Array, number] | null;
  readonly eof: boolean;
  bind(address: NativeAddress | string): void;
  listen(backlog: number): void;
  accept(cancelId: number): Promise<NativeSocket>;
  connect(address: NativeAddress | string, cancelId: number): Promise<void>;
  /** The count itself when the stack took every byte at once, else a promise of it. */
  send(data: Uint8Array, flags: number): number | Promise<number>;
  recv(size: number, flags: number, cancelId: number): Promise<Buffer>;
  sendTo(data: Uint8Array, address: NativeAddress | string, flags: number): number | Promise<number>;
  /**
   * sendmmsg(2): datagrams [start, end) of a batch, datagram i being
   * data[spans[3i], +spans[3i+1]) to peers[spans[3i+2]]. How many went, in
   * order; 0: the next must go by sendTo(); -1: every one must.
   */
  sendToMany(data: Uint8Array, spans: Int32Array, peers: (NativeAddress | string)[], start: number, end: number): number;
  recvFrom(size: number, flags: number, cancelId: number):
    Promise<{ data: Buffer; address: NativeAddressOut; truncated: boolean }>;
  sendMsg(data: Uint8Array, address: NativeAddress | string | undefined, flags: number,
    control: { level: number; type: number; data: Uint8Array }[] | undefined): Promise<number>;
  recvMsg(size: number, controlSize: number, flags: number, cancelId: number): Promise<NativeMessage>;
  /** WSADuplicateSocketW for that process (Windows); ENOTSUP elsewhere. */
  share(processId: number): Buffer;
  /** Watches for urgent data: `onurgent(byte)` for each urgent byte, (-1) when it is inline, (-2, error?) at the end. */
  waitUrgent(): boolean;
  cancelUrgent(): void;
  /** Called by the addon on this object (which it does not keep alive). */
  onurgent?: (code: number, error?: Error) => void;
  startReading(onData: (chunk: Buffer) => void, onEnd: (error: Error | undefined, stopped: boolean) => void, size?: number,
    buffer?: Uint8Array): boolean;
  stopReading(): void;
  cancel(cancelId: number): boolean;
  shutdown(how: number): void;
  /** Returns the bytes of pending sends it dropped. */
  close(code?: string): number;
  detach(): ArrayBuffer;
  localAddress(): NativeAddressOut;
  remoteAddress(): NativeAddressOut;
  setsockopt(level: number, name: number, value: number | Uint8Array): void;
  getsockopt(level: number, name: number, size?: number): Buffer;
  bytesAvailable(): number;
  atMark(): boolean;
  setKeepAlive(enable: boolean, idleMs: number, intervalMs: number, count: number): void;
}

export interface NativeAddress {
  address: string;
  port: number;
  flowinfo?: number;
  scopeId?: number;
}

export type NativeAddressOut =
  | { family: 'inet' | 'inet6'; address: string; port: number; flowinfo?: number; scopeId?: number }
  | { family: 'unix'; path: string }
  | { family: undefined; address: ''; port: 0 };

interface Binding {
  NativeSocket: {
    new (family: number, type: number, protocol: number): NativeSocket;
    new (transfer: ArrayBuffer): NativeSocket;
    new (how: 'shared', bytes: Uint8Array): NativeSocket;
    new (how: 'descriptor', fd: number): NativeSocket;
    /** socketpair(2), or a connected loopback pair on Windows. */
    pair(family: number, type: number, protocol: number): [NativeSocket, NativeSocket];
    /** IP_PKTINFO / IPV6_PKTINFO to send from `source`, as this platform lays it out. */
    packetInfo(source: NativeAddress, interfaceIndex?: number): { level: number; type: number; data: Buffer };
  };
  init(given: { SocketError: unknown; AbortError: unknown; UsageError: unknown; chunkSlab: unknown; chunkView: unknown;
    completions: typeof ring }): void;
  constants: Record<string, number>;
  errname(code: number): string | null;
  backend: 'winsock' | 'posix';
  description: string;
  wine: boolean;
  engine: 'io_uring' | 'epoll' | 'kqueue' | 'iocp';
  engineFallback: string;
  ETIMEDOUT: number;
}

// eslint-disable-next-line @typescript-eslint/no-var-requires
const load = require('node-gyp-build') as (dir: string) => Binding;

export const binding: Binding = load(path.join(__dirname, '..', '..'));
binding.init({ SocketError, AbortError, UsageError, chunkSlab, chunkView, completions: ring });

// The operations whose outcome, when it completed inside the call,
// lib/native/completions.ts wraps in a promise. send and sendTo are left as
// they are: their count itself spares write() a promise. Put on the
// prototype once, whichever copy of lib/ loads the addon first.
const PROMISED = ['accept', 'connect', 'recv', 'recvFrom', 'sendMsg', 'recvMsg'];
const prototype = binding.NativeSocket.prototype as unknown as Record<string | symbol, unknown>;
const WRAPPED = Symbol.for('winsock.operations');
if (prototype[WRAPPED] === undefined) {
  prototype[WRAPPED] = true;
  for (const name of PROMISED) {
    Object.defineProperty(prototype, name, {
      value: promised(prototype[name] as Parameters<typeof promised>[0]),
      writable: true, configurable: true, enumerable: false,
    });
  }
}
