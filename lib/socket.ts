// The public Socket: one method per Berkeley call, each a thin layer over
// the addon's NativeSocket, with the lifecycle of state.ts enforced first.
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { types } from 'node:util';

import { type AddressOf, type AnyAddress, fromNative, toNative } from './address';
import { bytesOf, checkSignal, checkSize, flagsOf } from './arguments';
import { chunks } from './chunks';
import { Reader, unread } from './reading';
import { Writer } from './writing';
import { socketDuplex } from './duplex';
import { constants } from './constants';
import { AbortError, SocketError, UsageError, invalidArgType, invalidArgValue, optionsObject, outOfRange } from './errors';
import { messages, sendMessage, type Message, type MessageRegistry, type MessagesOptions } from './codec';
import { membershipRequest } from './membership';
import {
  type ReceivedMessage, type RecvMsgOptions, type SendMsgOptions, controlOf, controlSizeOf, gatherBuffers, messageOf, sizesOf,
} from './message';
import { inferState, shareOf } from './sharing';
import { binding, type NativeSocket } from './native';
import { type OptionName, type OptionValues, type WritableOptionName, getOption, setOption } from './options';
import { type Kind, type Operation, type SocketState, NEXT, OPERATION_BIT, allowedMask, check, isState } from './state';
import { publishState, stateChannel } from './trace';
import { isDetachedView } from './values';

export type Family = 'inet' | 'inet6' | 'unix';
export type SocketType = 'stream' | 'dgram' | 'raw';

/** `family` also types the socket: a Socket<'inet'> reports `{ address, port }` addresses. */
export interface SocketOptions<F extends Family = Family> {
  family?: F;
  type?: SocketType;
  protocol?: number;
}

export interface SendOptions {
  oob?: boolean;
  dontRoute?: boolean;
  flags?: number;
  encoding?: BufferEncoding;
}

export interface RecvOptions {
  oob?: boolean;
  peek?: boolean;
  waitAll?: boolean;
  flags?: number;
  signal?: AbortSignal;
}

export interface KeepAliveOptions {
  idleMs?: number;
  intervalMs?: number;
  count?: number;
}

/** A socket given up by detach(), to be adopted elsewhere (a Worker). */
export interface TransferredSocket {
  transfer: ArrayBuffer;
  family: Family;
  type: SocketType;
  state: SocketState;
}

const FAMILIES: Record<Family, string> = { inet: 'AF_INET', inet6: 'AF_INET6', unix: 'AF_UNIX' };
const TYPES: Record<SocketType, string> = { stream: 'SOCK_STREAM', dgram: 'SOCK_DGRAM', raw: 'SOCK_RAW' };
const SHUTDOWN = { receive: 0, send: 1, both: 2 } as const;
const DEFAULT_RECV_SIZE = 65536;
// What the addon's urgent watch reports besides a byte (native/socket_wrap.cc).
const URGENT_INLINE = -1;
const URGENT_ENDED = -2;
// Urgent bytes kept for recv({ oob: true }) at most; older ones give way.
const URGENT_KEPT = 1024;

// lastActivity is kept natively on uv_hrtime's clock; performance.now()
// reads the same clock from another origin.
const HRTIME_TO_PERFORMANCE = performance.now() - Number(process.hrtime.bigint()) / 1e6;

// Ids that let an AbortSignal (or a timeout) cancel one pending operation.
let lastCancelId = 0;
function nextCancelId(): number {
  lastCancelId = lastCancelId >= 0x7fffffff ? 1 : lastCancelId + 1;
  return lastCancelId;
}

// The constructor path for sockets the addon made (accept, adopt).
const fromNativeToken = Symbol('fromNative');
// Shared until a socket needs its own (most never do): each costs a few
// hundred bytes a socket, which is what a connection weighs.
const NO_ACTIVITY = new Float64Array(3);
const NO_URGENT_BYTES: number[] = [];
// EventEmitter starts each emitter with `{ __proto__: null }`, which V8 keeps
// as a dictionary (184 bytes a socket). An object over an empty null-prototype
// object looks up the same (no inherited names) and stays in fast mode (24).
const NO_EVENTS = Object.freeze(Object.create(null));

export class Socket<F extends Family = Family> extends EventEmitter {
  /** The address family: 'inet', 'inet6' or 'unix'. */
  readonly family: F;
  /** 'stream', 'dgram' or 'raw'. */
  readonly type: SocketType;
  /** 'winsock' or 'posix'. */
  readonly backend = binding.backend;

  #native: NativeSocket | null;
  #kind: Kind;
  #state: SocketState = 'created';
  #allowed = 0;  // allowedMask(kind, state), kept with the state
  #readable = true;
  #writable = true;
  // This socket's timestamps, written by the addon (native/activity.h):
  // [any, read, write] at #activityAt; copied here when the socket closes.
  #activity: Float64Array = NO_ACTIVITY;
  #activityAt = 0;
  #urgentWaiting = false;
  // Urgent bytes the watch took out of band that recv({ oob }) has not read.
  #urgentBytes: number[] = NO_URGENT_BYTES;
  #reader: Reader | null = null;
  #writer: Writer | null = null;
  #duplex: Duplex | null = null;

  /** write() returns false once this many bytes wait to be sent (as Node's streams). */
  writableHighWaterMark = 64 * 1024;

  /** socket(2) / Winsock WSASocketW (overlapped, not inheritable). */
  constructor(options: SocketOptions<F> = {}, native?: NativeSocket, token?: symbol) {
    super();
    (this as unknown as { _events: object })._events = Object.create(NO_EVENTS);
    if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
    const family = (options.family ?? 'inet') as F;  // no family given: F is its default, Family
    const type = options.type ?? 'stream';
    const protocol = options.protocol ?? 0;
    if (typeof family !== 'string' || !Object.prototype.hasOwnProperty.call(FAMILIES, family)) {
      throw invalidArgValue('options.family', family, "must be 'inet', 'inet6' or 'unix'");
    }
    if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(TYPES, type)) {
      throw invalidArgValue('options.type', type, "must be 'stream', 'dgram' or 'raw'");
    }
    if (typeof protocol !== 'number') throw invalidArgType('options.protocol', 'of type number', protocol);
    if (!Number.isInteger(protocol) || protocol < 0 || protocol > 0x7fffffff) {
      throw outOfRange('options.protocol', 'an integer >= 0 and <= 2147483647', protocol);
    }
    this.family = family;
    this.type = type;
    this.#kind = type === 'stream' ? 'stream' : 'datagram';
    this.#allowed = allowedMask(this.#kind, 'created');
    if (native !== undefined && token === fromNativeToken) {
      this.#native = native;
    } else {
      const familyNumber = constants[FAMILIES[family]];
      const typeNumber = constants[TYPES[type]];
      if (familyNumber === undefined) {
        // The platform has no such family: let the stack say so.
        this.#native = new binding.NativeSocket(-1, typeNumber, protocol);
      } else {
        this.#native = new binding.NativeSocket(familyNumber, typeNumber, protocol);
      }
    }
    const slot = (this.#native as NativeSocket).activitySlot();
    if (slot !== null) [this.#activity, this.#activityAt] = slot;
    else this.#activity = new Float64Array(3);
  }

  // 'urgent' listeners start and stop the wait for urgent data. (Overrides
  // rather than 'newListener' handlers: an idle socket carries no listener.)
  override on(event: string | symbol, listener: (...args: any[]) => void): this {
    checkEvent(event);
    super.on(event, listener);
    if (event === 'urgent') this.#urgentListenersChanged();
    return this;
  }

  override addListener(event: string | symbol, listener: (...args: any[]) => void): this {
    return this.on(event, listener);
  }

  override once(event: string | symbol, listener: (...args: any[]) => void): this {
    checkEvent(event);
    super.once(event, listener);
    if (event === 'urgent') this.#urgentListenersChanged();
    return this;
  }

  override prependListener(event: string | symbol, listener: (...args: any[]) => void): this {
    checkEvent(event);
    super.prependListener(event, listener);
    if (event === 'urgent') this.#urgentListenersChanged();
    return this;
  }

  override prependOnceListener(event: string | symbol, listener: (...args: any[]) => void): this {
    checkEvent(event);
    super.prependOnceListener(event, listener);
    if (event === 'urgent') this.#urgentListenersChanged();
    return this;
  }

  override off(event: string | symbol, listener: (...args: any[]) => void): this {
    return this.removeListener(event, listener);
  }

  override removeListener(event: string | symbol, listener: (...args: any[]) => void): this {
    checkEvent(event);
    super.removeListener(event, listener);
    if (event === 'urgent') this.#urgentListenersChanged();
    return this;
  }

  override removeAllListeners(event?: string | symbol): this {
    if (event !== undefined) checkEvent(event);
    super.removeAllListeners(event);
    if (event === undefined || event === 'urgent') this.#urgentListenersChanged();
    return this;
  }

  #urgentListenersChanged(): void {
    if (this.listenerCount('urgent') === 0) this.#unwatchUrgent();
    else queueMicrotask(() => this.#watchUrgent());
  }

  /** Re-adopts a socket given up by detach() (possibly in another thread). */
  static adopt(transferred: TransferredSocket): Socket {
    if (transferred === null || typeof transferred !== 'object' || !types.isArrayBuffer(transferred.transfer)) {
      throw invalidArgType('transferred', 'the result of socket.detach()', transferred);
    }
    const { family, type, state } = transferred;
    if (typeof family !== 'string' || !Object.prototype.hasOwnProperty.call(FAMILIES, family)) {
      throw invalidArgValue('transferred.family', family, "must be 'inet', 'inet6' or 'unix'");
    }
    if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(TYPES, type)) {
      throw invalidArgValue('transferred.type', type, "must be 'stream', 'dgram' or 'raw'");
    }
    if (!isState(state)) throw invalidArgValue('transferred.state', state, 'must be a socket state');
    const native = new binding.NativeSocket(transferred.transfer);
    const socket = new Socket({ family, type }, native, fromNativeToken);
    socket.#enter(state);
    return socket;
  }

  /** The SOCKET or fd number; -1 once closed. */
  get fd(): number {
    return this.#native === null ? -1 : this.#native.fd;
  }

  /** Where the socket is in its lifecycle (see state.ts). */
  get state(): SocketState {
    return this.#state;
  }

  /** False after EOF or shutdown('receive'). */
  get readable(): boolean {
    const native = this.#native;
    if (!this.#readable || native === null) return false;
    return !(this.#kind === 'stream' && native.eof);
  }

  /** False after shutdown('send'). */
  get writable(): boolean {
    return this.#writable && this.#state !== 'closed';
  }

  /** performance.now() of the last completed I/O (or of the socket's birth). */
  get lastActivity(): number {
    return this.#activity[this.#activityAt] + HRTIME_TO_PERFORMANCE;
  }

  /** performance.now() of the last completed recv, recvFrom or accept (or birth). */
  get lastRead(): number {
    return this.#activity[this.#activityAt + 1] + HRTIME_TO_PERFORMANCE;
  }

  /** performance.now() of the last completed send, sendTo or connect (or birth). */
  get lastWrite(): number {
    return this.#activity[this.#activityAt + 2] + HRTIME_TO_PERFORMANCE;
  }

  // Keeps the last timestamps once the addon takes the slot back.
  #keepActivity(): void {
    this.#activity = this.#activity.slice(this.#activityAt, this.#activityAt + 3);
    this.#activityAt = 0;
  }

  #open(operation: Operation): NativeSocket {
    if ((this.#allowed & OPERATION_BIT[operation]) === 0) check(this.#kind, this.#state, operation);
    return this.#native as NativeSocket;
  }

  // A state set without an event: sockets born in it (accepted, adopted).
  #enter(state: SocketState): void {
    this.#state = state;
    this.#allowed = allowedMask(this.#kind, state);
  }

  #setState(next: SocketState): void {
    const previous = this.#state;
    if (previous === next) return;
    this.#state = next;
    this.#allowed = allowedMask(this.#kind, next);
    if (stateChannel.hasSubscribers) publishState(this, this.#native, next, previous);
    this.emit('state', next, previous);
    if (next === 'connected' && this.listenerCount('urgent') > 0) this.#watchUrgent();
  }

  #advance(operation: Operation): void {
    const next = NEXT[operation]?.[this.#state];
    if (next !== undefined) this.#setState(next);
  }

  /** bind(2) / Winsock bind. A string is a Unix socket path. */
  bind(address: AnyAddress | string): this {
    const native = this.#open('bind');
    native.bind(toNative(address));
    this.#advance('bind');
    return this;
  }

  /** listen(2) / Winsock listen. */
  listen(backlog = 511): this {
    const native = this.#open('listen');
    if (typeof backlog !== 'number') throw invalidArgType('backlog', 'of type number', backlog);
    if (!Number.isInteger(backlog) || backlog < -0x80000000 || backlog > 0x7fffffff) {
      throw outOfRange('backlog', 'a 32-bit integer', backlog);
    }
    native.listen(backlog);
    this.#advance('listen');
    return this;
  }

  /** accept(2) / Winsock AcceptEx: resolves with a connected Socket. */
  async accept(options?: { signal?: AbortSignal }): Promise<Socket<F>> {
    const native = this.#open('accept');
    const { signal } = optionsObject('options', options);
    const accepted = await this.#cancellable(checkSignal(signal), (id) => native.accept(id));
    const socket = new Socket({ family: this.family, type: this.type }, accepted, fromNativeToken);
    socket.#enter('connected');
    return socket;
  }

  /**
   * connect(2) / Winsock ConnectEx (bound to the wildcard first if needed).
   * A failure, a timeout (ETIMEDOUT) or an abort closes the socket.
   */
  async connect(address: AnyAddress | string, options?: { timeout?: number; signal?: AbortSignal }): Promise<void> {
    const native = this.#open('connect');
    const target = toNative(address);
    const given = optionsObject('options', options);
    const timeout = given.timeout;
    if (timeout !== undefined && typeof timeout !== 'number') throw invalidArgType('options.timeout', 'of type number', timeout);
    // Node's timers clamp anything longer to 1 ms: refuse it instead.
    if (timeout !== undefined && !(timeout >= 0 && timeout <= 0x7fffffff)) {
      throw outOfRange('options.timeout', 'a number of milliseconds >= 0 and <= 2147483647', timeout);
    }
    const signal = checkSignal(given.signal);
    if (signal?.aborted) throw new AbortError(undefined, { syscall: 'connect', cause: signal.reason });
    this.#advance('connect');
    let timedOut = false;
    // Only a connect that may be cancelled is registered for it.
    const id = timeout === undefined && signal === undefined ? 0 : nextCancelId();
    const timer = timeout === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      native.cancel(id);
    }, timeout);
    try {
      await this.#cancellable(signal, () => native.connect(target, id), id);
      if (this.#state === 'connecting') this.#setState('connected');
    } catch (error) {
      this.close();
      if (timedOut) throw timedOutError(target);
      throw error;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }

  /**
   * send(2) / Winsock WSASend. On a stream socket it resolves once every byte
   * was handed to the stack (Python's sendall); on a datagram socket, one datagram.
   */
  send(data: Uint8Array | string, options?: SendOptions): Promise<number> {
    try {
      const native = this.#open('send');
      const flags = flagsOf(options);
      // A promise made here when the stack takes it all at once is cheaper
      // than one the addon makes and settles.
      const sent = native.send(bytesOf(data, options?.encoding), flags);
      return typeof sent === 'number' ? Promise.resolve(sent) : sent;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * recv(2) / Winsock WSARecv: up to `size` bytes; an empty Buffer is the
   * peer's orderly shutdown (EOF).
   */
  recv(size: number = DEFAULT_RECV_SIZE, options?: RecvOptions): Promise<Buffer> {
    try {
      const native = this.#open('recv');
      checkSize(size);
      const flags = flagsOf(options);
      const signal = checkSignal(options?.signal);
      // Urgent data is a queue of its own: readable while the stream is read
      // continuously, first from the bytes the 'urgent' watch took.
      if ((flags & constants.MSG_OOB) !== 0) {
        if (this.#urgentBytes.length > 0) {
          const count = Math.min(size, this.#urgentBytes.length);
          const peek = (flags & constants.MSG_PEEK) !== 0;
          return Promise.resolve(Buffer.from(peek ? this.#urgentBytes.slice(0, count) : this.#urgentBytes.splice(0, count)));
        }
        return this.#nativeRecv(native, size, flags, signal);
      }
      const reader = this.#reader;
      if (reader?.reading) throw readingError('recv');
      if (reader?.settling) {
        // A stopped continuous read whose cancel is on its way (Winsock):
        // what it still brings comes first, so wait for it.
        return reader.settling.then(() => this.recv(size, options));
      }
      const kept = reader?.take(size, (flags & constants.MSG_PEEK) !== 0) ?? null;
      if (kept !== null) {
        const rest = size - kept.length;
        if ((flags & constants.MSG_WAITALL) === 0 || rest === 0 || (flags & constants.MSG_PEEK) !== 0) {
          return Promise.resolve(kept);
        }
        return this.#nativeRecv(native, rest, flags, signal).then((more) => Buffer.concat([kept, more]));
      }
      const ended = reader?.takeEnd() ?? null;
      if (ended !== null) return ended.error ? Promise.reject(ended.error) : Promise.resolve(Buffer.alloc(0));
      return this.#nativeRecv(native, size, flags, signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #nativeRecv(native: NativeSocket, size: number, flags: number, signal: AbortSignal | undefined): Promise<Buffer> {
    // EOF is noted natively (readable reads it): no reaction per recv here.
    return signal === undefined
      ? native.recv(size, flags, 0)
      : this.#cancellable(signal, (id) => native.recv(size, flags, id));
  }

  /**
   * Continuous reading, the fast path: the addon keeps a recv / WSARecv armed
   * and calls onData(chunk) for each chunk as it completes, with no Promise
   * per chunk. onEnd() follows EOF (and `readable` turns false), onEnd(error)
   * a failure; stopReading() and close() end it without a call. After
   * stopReading() returns, onData is never called again; bytes already
   * received are kept, in order, for the next recv() or startReading().
   * With `options.buffer`, every read lands in that buffer and each chunk
   * is a view of it, valid until onData returns (as net's onread: { buffer }):
   * reads then leave nothing for the collector. A buffer detached or shrunk
   * while reading ends it with ERR_SOCKET_READ_BUFFER, after the read that
   * found it gone handed over its bytes as a chunk of their own.
   */
  startReading(onData: (chunk: Buffer) => void, onEnd?: (error?: Error) => void,
    options?: { size?: number; buffer?: Uint8Array }): this {
    const native = this.#open('read');
    if (typeof onData !== 'function') throw invalidArgType('onData', 'a function', onData);
    if (onEnd !== undefined && typeof onEnd !== 'function') throw invalidArgType('onEnd', 'a function', onEnd);
    const { size: given, buffer } = optionsObject('options', options);
    if (buffer !== undefined && !(buffer instanceof Uint8Array)) {
      throw invalidArgType('options.buffer', 'a Uint8Array or Buffer', buffer);
    }
    const limit = buffer === undefined ? DEFAULT_RECV_SIZE : buffer.byteLength;
    const size = given === undefined ? limit : checkSize(given);
    if (size === 0) throw outOfRange('options.size', '>= 1', size);
    if (buffer !== undefined && size > buffer.byteLength) {
      throw outOfRange('options.size', `<= options.buffer.byteLength (${buffer.byteLength})`, size);
    }
    this.#reader ??= new Reader(native);
    if (this.#reader.reading) throw readingError('startReading');
    this.#reader.start(onData, onEnd, size, buffer);
    return this;
  }

  /** Ends continuous reading; no onData call follows. */
  stopReading(): this {
    this.#reader?.stop();
    return this;
  }

  /** True between startReading() and its end. */
  get reading(): boolean {
    return this.#reader?.reading ?? false;
  }

  /** @internal Chunks the async iterator read but never yielded, back in front of the stream. */
  [unread](chunks: Buffer[]): void {
    this.#reader?.unread(chunks);
  }

  /**
   * A node:stream Duplex over this stream socket (see duplex.ts): pipeline()
   * and Readable.toWeb() take it. Backpressure both ways; its end() is
   * shutdown('send'), the peer's EOF its end, an error destroys it, and
   * destroying it closes the socket. The same Duplex on every call.
   */
  stream(): Duplex {
    this.#open('read');
    if (this.#kind !== 'stream') throw invalidArgValue('socket', this.type, "must be a stream socket for stream()");
    this.#duplex ??= socketDuplex(this);
    return this.#duplex;
  }

  /** close(), at the end of a `using` block. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** close(), at the end of an `await using` block. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  /**
   * `for await (const chunk of socket)`: the chunks of continuous reading,
   * until EOF (see chunks.ts).
   */
  [Symbol.asyncIterator](): AsyncGenerator<Buffer, void, undefined> {
    return chunks(this);
  }

  /**
   * Queues bytes to send without waiting, Node's way: returns false once
   * `writableHighWaterMark` bytes wait, and emits 'drain' when all went.
   * A failure is emitted as 'error' (or rejects a pending end()).
   */
  write(data: Uint8Array | string, encoding?: BufferEncoding): boolean {
    const native = this.#open('send');
    this.#writer ??= new Writer(this);
    return this.#writer.write(native, bytesOf(data, encoding), this.writableHighWaterMark);
  }

  /**
   * The graceful end: sends what write() queued and `data`, then
   * shutdown('send') (on a stream socket). Resolves once the stack has
   * taken every byte; rejects with the first failure. The peer reads all
   * of it, then EOF; this socket can still read the peer's answer.
   */
  end(data?: Uint8Array | string, encoding?: BufferEncoding): Promise<void> {
    try {
      const native = this.#open('send');
      this.#writer ??= new Writer(this);
      if (data !== undefined) this.#writer.write(native, bytesOf(data, encoding), Infinity);
      return this.#writer.flushed().then(() => {
        if (this.#kind === 'stream' && this.#state !== 'closed') this.shutdown('send');
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Bytes given to write() that the stack has not taken yet. */
  get writableLength(): number {
    return this.#writer?.queued ?? 0;
  }

  /**
   * Bytes given to write() (or a pending send()) that close() dropped
   * before the stack had taken them: exact on POSIX; on Windows at most
   * that many, as an overlapped send in progress tells its progress only
   * when it completes. 0 when every byte went, as after end().
   */
  get discardedBytes(): number {
    return this.#writer?.discarded ?? 0;
  }

  /** sendto(2) / Winsock WSASendTo. An unbound datagram socket is bound by the stack. */
  sendTo(data: Uint8Array | string, address: AnyAddress | string, options?: SendOptions): Promise<number> {
    try {
      const native = this.#open('sendTo');
      const flags = flagsOf(options);
      const sent = native.sendTo(bytesOf(data, options?.encoding), toNative(address), flags);
      this.#advance('sendTo');
      return typeof sent === 'number' ? Promise.resolve(sent) : sent;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** recvfrom(2) (recvmsg) / Winsock WSARecvFrom. `truncated`: the datagram was longer than `size`. */
  recvFrom(size: number = DEFAULT_RECV_SIZE, options?: RecvOptions):
    Promise<{ data: Buffer; address: AddressOf<F>; truncated: boolean }> {
    try {
      const native = this.#open('recvFrom');
      checkSize(size);
      const flags = flagsOf(options);
      const signal = checkSignal(options?.signal);
      // The addon already gives the result its public shape (js_address.cc).
      return (signal === undefined
        ? native.recvFrom(size, flags, 0)
        : this.#cancellable(signal, (id) => native.recvFrom(size, flags, id))) as
        Promise<{ data: Buffer; address: AddressOf<F>; truncated: boolean }>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * sendmsg(2) / Winsock WSASendMsg: the buffers as one message (gathered
   * in order), to `options.address` if given, with control messages
   * (ancillary data; `{ rights: [socket] }` is SCM_RIGHTS on POSIX).
   */
  sendMsg(buffers: Uint8Array | string | (Uint8Array | string)[], options?: SendMsgOptions): Promise<number> {
    try {
      const native = this.#open('sendMsg');
      const flags = flagsOf(options);
      const address = options?.address === undefined ? undefined : toNative(options.address);
      const control = controlOf(options?.control);
      const promise = native.sendMsg(gatherBuffers(buffers, options?.encoding), address, flags, control);
      this.#advance('sendMsg');
      return promise;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * recvmsg(2) / Winsock WSARecvMsg (through WSAID_WSARECVMSG): one message
   * into buffers of `sizes`, with the sender's address, MSG_TRUNC /
   * MSG_CTRUNC, and the control messages decoded (IP_PKTINFO,
   * IPV6_PKTINFO, IP_TOS, IP_TTL, SO_TIMESTAMPNS, SCM_RIGHTS) or raw.
   */
  recvMsg(sizes: number | number[] = DEFAULT_RECV_SIZE, options?: RecvMsgOptions): Promise<ReceivedMessage<F>> {
    try {
      const native = this.#open('recvMsg');
      const list = sizesOf(sizes);
      const total = list.reduce((sum, size) => sum + size, 0);
      const controlSize = controlSizeOf(options);
      const flags = flagsOf(options);
      const signal = checkSignal(options?.signal);
      return this.#cancellable(signal, (id) => native.recvMsg(total, controlSize, flags, id))
        .then((result) => messageOf<F>(result, list));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Winsock WSADuplicateSocketW for process `pid`, as Python's
   * socket.share: bytes that Socket.fromShare() turns into this socket in
   * that process. This socket stays open here; close it once the other
   * side has it. Windows only (POSIX passes descriptors with SCM_RIGHTS).
   */
  share(pid: number): Buffer {
    const native = this.#open('detach');
    return shareOf(native, pid);
  }

  /**
   * socketpair(2) on POSIX ('unix' by default); on Windows a connected
   * loopback pair ('inet' by default) made as Python's socket.socketpair.
   */
  static pair(options: SocketOptions = {}): [Socket, Socket] {
    if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
    const family = options.family ?? (binding.backend === 'winsock' ? 'inet' : 'unix');
    const type = options.type ?? 'stream';
    if (typeof family !== 'string' || !Object.prototype.hasOwnProperty.call(FAMILIES, family)) {
      throw invalidArgValue('options.family', family, "must be 'inet', 'inet6' or 'unix'");
    }
    if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(TYPES, type)) {
      throw invalidArgValue('options.type', type, "must be 'stream', 'dgram' or 'raw'");
    }
    const protocol = options.protocol ?? 0;
    if (!Number.isInteger(protocol) || protocol < 0) throw outOfRange('options.protocol', 'an integer >= 0', protocol);
    const natives = binding.NativeSocket.pair(constants[FAMILIES[family]] ?? -1, constants[TYPES[type]], protocol);
    return natives.map((native) => {
      const socket = new Socket({ family, type }, native, fromNativeToken);
      socket.#enter('connected');
      return socket;
    }) as [Socket, Socket];
  }

  /**
   * Winsock WSASocketW(FROM_PROTOCOL_INFO) of share()'s bytes, as Python's
   * socket.fromshare. The state is read from the socket itself (listening,
   * connected, bound) unless given. Windows only.
   */
  static fromShare(bytes: Uint8Array, options?: { family?: Family; type?: SocketType; state?: SocketState }): Socket {
    if (!types.isUint8Array(bytes)) throw invalidArgType('bytes', 'a Uint8Array (from socket.share())', bytes);
    const given = optionsObject('options', options);
    return Socket.#fromNative(new binding.NativeSocket('shared', bytes), given);
  }

  /**
   * @internal A descriptor this process was given at its start (POSIX; an
   * extra stdio fd of a child process): socket2's from_raw_fd.
   */
  static fromDescriptor(fd: number, options?: { family?: Family; type?: SocketType; state?: SocketState }): Socket {
    if (!Number.isInteger(fd) || fd < 0) throw outOfRange('fd', 'an integer >= 0', fd);
    const given = optionsObject('options', options);
    return Socket.#fromNative(new binding.NativeSocket('descriptor', fd), given);
  }

  static #fromNative(native: NativeSocket, given: { family?: Family; type?: SocketType; state?: SocketState }): Socket {
    // What the caller did not say is read from the socket itself.
    const known = given.family !== undefined && given.type !== undefined && given.state !== undefined;
    const found = known ? undefined : inferState(native);
    const family = given.family ?? (found?.family as Family);
    const type = given.type ?? (found?.type as SocketType);
    const socket = new Socket({ family, type }, native, fromNativeToken);
    socket.#enter(given.state ?? (found?.state as SocketState));
    return socket;
  }

  /** shutdown(2) / Winsock shutdown: 'send' (default), 'receive' or 'both'. */
  shutdown(how: 'send' | 'receive' | 'both' = 'send'): this {
    const native = this.#open('shutdown');
    if (typeof how !== 'string' || !Object.prototype.hasOwnProperty.call(SHUTDOWN, how)) {
      throw invalidArgValue('how', how, "must be 'send', 'receive' or 'both'");
    }
    native.shutdown(SHUTDOWN[how]);
    if (how !== 'receive') this.#writable = false;
    if (how !== 'send') this.#readable = false;
    return this;
  }

  /**
   * close(2) / Winsock closesocket, at once. Idempotent; every pending
   * operation rejects with ERR_SOCKET_CLOSED. Bytes that write() queued and
   * the stack has not taken are dropped, and counted in `discardedBytes`;
   * end() first is the way to have them all sent.
   */
  close(): void {
    this.closeWith('ERR_SOCKET_CLOSED');
  }

  /** close() whose pending operations reject with `code` (the idle reaper's). */
  closeWith(code: string): void {
    const native = this.#native;
    if (native === null) return;
    this.#keepActivity();
    this.#native = null;
    this.#urgentWaiting = false;
    this.#reader?.close();
    const unsent = native.close(code);
    this.#writer?.close(unsent);
    this.#setState('closed');
    this.emit('close');
  }

  /**
   * Gives the socket up so that Socket.adopt() can take it over in another
   * thread; this object ends closed, the socket itself stays open.
   */
  detach(): TransferredSocket {
    const native = this.#open('detach');
    this.#unwatchUrgent();
    const state = this.#state;
    const transfer = native.detach();
    this.#keepActivity();
    this.#native = null;
    this.#setState('closed');
    return { transfer, family: this.family, type: this.type, state };
  }

  /** getsockname. */
  localAddress(): AddressOf<F> {
    return fromNative(this.#open('localAddress').localAddress()) as AddressOf<F>;
  }

  /** getpeername. */
  remoteAddress(): AddressOf<F> {
    return fromNative(this.#open('remoteAddress').remoteAddress()) as AddressOf<F>;
  }

  /** setsockopt with a typed value (see options.ts for the table). */
  setOption<N extends WritableOptionName>(name: N, value: OptionValues[N]): this {
    setOption(this.#open('setOption'), name, value);
    return this;
  }

  /** getsockopt, decoded to the option's type. */
  getOption<N extends OptionName>(name: N): OptionValues[N] {
    return getOption(this.#open('getOption'), name) as OptionValues[N];
  }

  /** Raw setsockopt(level, name, value): an int or the value's bytes. */
  setsockopt(level: number, name: number, value: number | Uint8Array): this {
    const native = this.#open('setsockopt');
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
    native.setsockopt(level, name, value);
    return this;
  }

  /** Raw getsockopt(level, name): the `size` bytes (default 4) the stack wrote. */
  getsockopt(level: number, name: number, size = 4): Buffer {
    const native = this.#open('getsockopt');
    if (!Number.isInteger(level)) throw invalidArgType('level', 'an integer', level);
    if (!Number.isInteger(name)) throw invalidArgType('name', 'an integer', name);
    if (!Number.isInteger(size) || size < 1 || size > 65536) throw outOfRange('size', '>= 1 and <= 65536', size);
    return native.getsockopt(level, name, size);
  }

  /**
   * SO_KEEPALIVE with its timing: TCP_KEEPIDLE / TCP_KEEPINTVL / TCP_KEEPCNT
   * (POSIX), SIO_KEEPALIVE_VALS (Windows).
   */
  setKeepAlive(enable: boolean, options?: KeepAliveOptions): this {
    const native = this.#open('setKeepAlive');
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
    return this;
  }

  /**
   * setsockopt(IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP): joins a multicast group
   * on the interface with that IPv4 address (or IPv6 interface index).
   */
  addMembership(group: string, iface?: string | number): this {
    this.#membership('ADD', group, iface);
    return this;
  }

  /** setsockopt(IP_DROP_MEMBERSHIP / IPV6_LEAVE_GROUP): leaves a multicast group. */
  dropMembership(group: string, iface?: string | number): this {
    this.#membership('DROP', group, iface);
    return this;
  }

  #membership(action: 'ADD' | 'DROP', group: string, iface: string | number | undefined): void {
    const native = this.#open('setsockopt');
    const { level, name, request } = membershipRequest(this.family, action, group, iface);
    native.setsockopt(level, name, request);
  }

  /** ioctl(SIOCATMARK) / ioctlsocket(SIOCATMARK): is the read position at the urgent mark? */
  atMark(): boolean {
    return this.#open('atMark').atMark();
  }

  /** ioctl(FIONREAD) / ioctlsocket(FIONREAD): bytes ready to read. */
  bytesAvailable(): number {
    return this.#open('bytesAvailable').bytesAvailable();
  }

  /**
   * Sends one typed message as one frame (codec.MessageRegistry): an
   * instance of a registered class, or a type id and a value.
   */
  sendMessage(registry: MessageRegistry, value: object): Promise<number>;
  sendMessage(registry: MessageRegistry, typeId: number, value: unknown): Promise<number>;
  sendMessage(registry: MessageRegistry, ...args: unknown[]): Promise<number> {
    try {
      this.#open('send');  // the state first, as every call checks it
    } catch (error) {
      return Promise.reject(error);
    }
    const [first, second] = args;
    return args.length >= 2
      ? sendMessage(this, registry, first as number, second)
      : sendMessage(this, registry, first as object);
  }

  /**
   * The typed messages arriving on this stream socket, until EOF; throws a
   * CodecError on a bad frame or on EOF in the middle of one.
   */
  messages(registry: MessageRegistry, options?: MessagesOptions): AsyncGenerator<Message, void, undefined> {
    return messages(this, registry, options);
  }

  // Runs a native operation that an AbortSignal may cancel.
  #cancellable<T>(signal: AbortSignal | undefined, start: (id: number) => Promise<T>, givenId?: number): Promise<T> {
    if (signal === undefined) return start(givenId ?? 0);
    if (signal.aborted) return Promise.reject(new AbortError(undefined, { cause: signal.reason }));
    const id = givenId ?? nextCancelId();
    const native = this.#native as NativeSocket;
    const onAbort = () => native.cancel(id);
    signal.addEventListener('abort', onAbort, { once: true });
    const started = start(id);
    return started.finally(() => signal.removeEventListener('abort', onAbort));
  }

  // 'urgent' events: a watch for out-of-band data while anyone listens.
  // The addon takes each urgent byte as it arrives (TCP keeps one: the
  // peer's next would push it into the stream) and 'urgent' carries it; it
  // is also kept for recv({ oob: true }). With SO_OOBINLINE, 'urgent' comes
  // with no byte: it waits in the stream, at the mark. The addon calls
  // `onurgent` on the native object and keeps neither it nor this socket
  // alive: a socket nobody references is collected whatever its listeners.
  #watchUrgent(): void {
    const native = this.#native;
    if (native === null || this.#urgentWaiting || this.#state !== 'connected' || this.type !== 'stream') return;
    if (this.listenerCount('urgent') === 0) return;
    native.onurgent ??= (code: number) => this.#urgent(code);
    this.#urgentWaiting = true;
    native.waitUrgent();
  }

  #urgent(code: number): void {
    if (code === URGENT_ENDED) {
      // The stream ended, or the watch failed: the stream's reads report why.
      this.#urgentWaiting = false;
      return;
    }
    if (code === URGENT_INLINE) {
      this.emit('urgent');
      return;
    }
    if (this.#urgentBytes === NO_URGENT_BYTES) this.#urgentBytes = [];
    if (this.#urgentBytes.length >= URGENT_KEPT) this.#urgentBytes.shift();
    this.#urgentBytes.push(code);
    this.emit('urgent', Buffer.of(code));
  }

  #unwatchUrgent(): void {
    if (!this.#urgentWaiting || this.#native === null) return;
    this.#urgentWaiting = false;
    this.#native.cancelUrgent();
  }
}

function checkEvent(event: unknown): void {
  if (typeof event !== 'string' && typeof event !== 'symbol') throw invalidArgType('event', 'a string or a symbol', event);
}

function readingError(operation: string): UsageError {
  return new UsageError(`cannot ${operation}() while startReading() is active; stopReading() first`, 'ERR_SOCKET_READING');
}

function timedOutError(target: ReturnType<typeof toNative>): SocketError {
  const where = typeof target === 'string' ? target : `${target.address}:${target.port}`;
  return new SocketError(`connect ETIMEDOUT ${where}`, {
    code: 'ETIMEDOUT',
    errno: binding.ETIMEDOUT,
    syscall: 'connect',
    ...(typeof target === 'string' ? { address: target } : { address: target.address, port: target.port }),
  });
}
