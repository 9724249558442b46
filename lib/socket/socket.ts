// The public Socket: one method per Berkeley call, each a thin layer over
// the addon's NativeSocket, with the lifecycle of state.ts enforced first.
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';

import { type MessageRegistry, type Message, type MessagesOptions, messages, sendMessage } from '../codec';
import { AbortError, invalidArgType, invalidArgValue, optionsObject } from '../errors';
import { type NativeSocket, binding, constants } from '../native';
import { callChannel, publishState, stateChannel } from '../trace';
import { type AddressOf, type AnyAddress, toNative } from './address';
import {
  bytesOf, checkBacklog, checkFamily, checkSignal, checkSize, checkTimeout, checkType, flagsOf, readingOf, shutdownOf,
} from './arguments';
import { cancellable, nextCancelId } from './cancel';
import { chunks } from './chunks';
import { SocketControls, openFor } from './controls';
import { BATCHED_SIZE_LIMIT, DatagramBatch } from './datagram-batch';
import { socketDuplex } from './duplex';
import { urgentListenersChanged } from './events';
import { readingError, timedOutError } from './failures';
import {
  type ReceivedDatagram, type ReceivedMessage, type RecvMsgOptions, type SendMsgOptions, recvMsgOn, sendMsgOn,
} from './message';
import { type Made, adopted, inherited, opened, paired, shareOf, shared } from './natives';
import { Reader, recvKept, unread } from './reading';
import { type Kind, type Operation, type SocketState, NEXT, OPERATION_BIT, allowedMask, check } from './state';
import type { Family, RecvOptions, SendOptions, SocketOptions, SocketType, TransferredSocket } from './types';
import { UrgentWatch } from './urgent';
import { Writer } from './writing';

const DEFAULT_RECV_SIZE = 65536;
// lastActivity is kept natively on uv_hrtime's clock; performance.now()
// reads the same clock from another origin.
const HRTIME_TO_PERFORMANCE = performance.now() - Number(process.hrtime.bigint()) / 1e6;

// The constructor path for sockets the addon made (accept, adopt).
const fromNativeToken = Symbol('fromNative');
// Shared until a socket needs its own (most never do): each costs a few
// hundred bytes a socket, which is what a connection weighs.
const NO_ACTIVITY = new Float64Array(3);

/**
 * A socket of the Berkeley API: `socket(2)` / Winsock `WSASocketW` when
 * constructed, then one system call per method (each method's comment names
 * it). `F`, the family given to the constructor, types its addresses.
 */
export class Socket<F extends Family = Family> extends SocketControls<F> {
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
  // The wait for urgent data and the bytes it took: made by the first
  // 'urgent' listener (most sockets never have one).
  #urgent: UrgentWatch | null = null;
  #reader: Reader | null = null;
  #writer: Writer | null = null;
  #duplex: Duplex | null = null;
  // The sendTo() calls of this turn after its first (datagram-batch.ts),
  // made by the first such call; and whether a sendTo() went this turn.
  #batch: DatagramBatch | null = null;
  #sentThisTurn = false;

  /** write() returns false once this many bytes wait to be sent (as Node's streams). */
  writableHighWaterMark = 64 * 1024;

  /**
   * socket(2) / Winsock WSASocketW (overlapped, not inheritable).
   * @param options the family, type and protocol (default a TCP socket: `inet`, `stream`).
   * @param native not for callers: the socket the addon made (accept, adopt).
   * @param token not for callers: the key of that path.
   */
  constructor(options: SocketOptions<F> = {}, native?: NativeSocket, token?: symbol) {
    super();
    if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
    // No family given: F is its default, Family.
    const family = checkFamily('options.family', options.family ?? 'inet') as F;
    const type = checkType('options.type', options.type ?? 'stream');
    const protocol = options.protocol ?? 0;
    const made = native !== undefined && token === fromNativeToken;
    this.#native = made ? native : opened(family, type, protocol);
    this.family = family;
    this.type = type;
    this.#kind = type === 'stream' ? 'stream' : 'datagram';
    this.#allowed = allowedMask(this.#kind, 'created');
    const slot = (this.#native as NativeSocket).activitySlot();
    if (slot !== null) [this.#activity, this.#activityAt] = slot;
    else this.#activity = new Float64Array(3);
  }

  /** @internal The native socket if the state allows the operation (for SocketControls). */
  [openFor](operation: Operation): NativeSocket {
    return this.#open(operation);
  }

  /** @internal 'urgent' listeners start and stop the wait for urgent data. */
  [urgentListenersChanged](): void {
    if (this.listenerCount('urgent') === 0) this.#unwatchUrgent();
    else queueMicrotask(() => this.#watchUrgent());
  }

  /** Re-adopts a socket given up by detach() (possibly in another thread). */
  static adopt(transferred: TransferredSocket): Socket {
    return Socket.#made(adopted(transferred));
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
    // Every call comes after the sendTo() calls made before it.
    if (this.#batch !== null) this.#batch.flush(true);
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
    native.listen(checkBacklog(backlog));
    this.#advance('listen');
    return this;
  }

  /** accept(2) / Winsock AcceptEx: resolves with a connected Socket. */
  async accept(options?: { signal?: AbortSignal }): Promise<Socket<F>> {
    const native = this.#open('accept');
    const { signal } = optionsObject('options', options);
    const accepted = await cancellable(native, checkSignal(signal), (id) => native.accept(id));
    return Socket.#made({ native: accepted, family: this.family, type: this.type, state: 'connected' }) as Socket<F>;
  }

  /**
   * connect(2) / Winsock ConnectEx (bound to the wildcard first if needed).
   * A failure, a timeout (ETIMEDOUT) or an abort closes the socket.
   */
  async connect(address: AnyAddress | string, options?: { timeout?: number; signal?: AbortSignal }): Promise<void> {
    const native = this.#open('connect');
    const target = toNative(address);
    const given = optionsObject('options', options);
    const timeout = checkTimeout(given.timeout);
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
      await cancellable(native, signal, () => native.connect(target, id), id);
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
        const kept = this.#urgent?.take(size, (flags & constants.MSG_PEEK) !== 0) ?? null;
        return kept !== null ? Promise.resolve(kept) : this.#nativeRecv(native, size, flags, signal);
      }
      const reader = this.#reader;
      if (reader?.reading) throw readingError('recv');
      if (reader?.settling) {
        // A stopped continuous read whose cancel is on its way (Winsock):
        // what it still brings comes first, so wait for it.
        return reader.settling.then(() => this.recv(size, options));
      }
      const kept = reader === null ? null : recvKept(reader, size, flags, (rest) => this.#nativeRecv(native, rest, flags, signal));
      if (kept !== null) return kept;
      return this.#nativeRecv(native, size, flags, signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #nativeRecv(native: NativeSocket, size: number, flags: number, signal: AbortSignal | undefined): Promise<Buffer> {
    // EOF is noted natively (readable reads it): no reaction per recv here.
    return signal === undefined
      ? native.recv(size, flags, 0)
      : cancellable(native, signal, (id) => native.recv(size, flags, id));
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
    const { size, buffer } = readingOf(onData, onEnd, options, DEFAULT_RECV_SIZE);
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

  /**
   * sendto(2) / Winsock WSASendTo. An unbound datagram socket is bound by
   * the stack. On Linux and macOS the sendTo() calls a bound datagram
   * socket makes in one turn after its first go out together at the turn's
   * end, in order (sendmmsg(2) on Linux); each promise settles as a lone
   * call's would.
   */
  sendTo(data: Uint8Array | string, address: AnyAddress | string, options?: SendOptions): Promise<number> {
    try {
      if ((this.#allowed & OPERATION_BIT.sendTo) === 0) check(this.#kind, this.#state, 'sendTo');
      const native = this.#native as NativeSocket;
      const flags = flagsOf(options);
      const bytes = bytesOf(data, options?.encoding);
      const peer = toNative(address);
      const batch = this.#batch;
      if ((this.#sentThisTurn || batch?.pending) && flags === 0 && bytes.length <= BATCHED_SIZE_LIMIT &&
          this.#batchable()) {
        return (this.#batch ??= new DatagramBatch(native)).add(bytes, peer);
      }
      batch?.flush(true);  // what waits goes first
      const sent = native.sendTo(bytes, peer, flags);
      this.#advance('sendTo');
      this.#noteSendTo();
      return typeof sent === 'number' ? Promise.resolve(sent) : sent;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  // A bound, unconnected datagram socket nobody traces (a trace shows each
  // call as made), whose backend has not refused batches.
  #batchable(): boolean {
    return this.#state === 'bound' && this.type === 'dgram' && !callChannel.hasSubscribers &&
      !(this.#batch?.oneByOne ?? false);
  }

  // Marks the turn in which a sendTo() went, until its microtasks end:
  // sendTo() calls after it in the same turn are batched, and sent then.
  #noteSendTo(): void {
    if (this.#sentThisTurn || this.type !== 'dgram' || this.#batch?.oneByOne) return;
    this.#sentThisTurn = true;
    queueMicrotask(() => {
      this.#sentThisTurn = false;
      this.#batch?.flush();
    });
  }

  /** recvfrom(2) (recvmsg) / Winsock WSARecvFrom. `truncated`: the datagram was longer than `size`. */
  recvFrom(size: number = DEFAULT_RECV_SIZE, options?: RecvOptions):
    Promise<ReceivedDatagram<F>> {
    try {
      const native = this.#open('recvFrom');
      checkSize(size);
      const flags = flagsOf(options);
      const signal = checkSignal(options?.signal);
      // The addon already gives the result its public shape (js_address.cc).
      return (signal === undefined
        ? native.recvFrom(size, flags, 0)
        : cancellable(native, signal, (id) => native.recvFrom(size, flags, id))) as
        Promise<ReceivedDatagram<F>>;
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
      const promise = sendMsgOn(this.#open('sendMsg'), buffers, options);
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
      return recvMsgOn<F>(this.#open('recvMsg'), sizes, options);
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
    return paired(options).map((made) => Socket.#made(made)) as [Socket, Socket];
  }

  /**
   * Winsock WSASocketW(FROM_PROTOCOL_INFO) of share()'s bytes, as Python's
   * socket.fromshare. The state is read from the socket itself (listening,
   * connected, bound) unless given. Windows only.
   */
  static fromShare(bytes: Uint8Array, options?: { family?: Family; type?: SocketType; state?: SocketState }): Socket {
    return Socket.#made(shared(bytes, options));
  }

  /**
   * @internal A descriptor this process was given at its start (POSIX; an
   * extra stdio fd of a child process): socket2's from_raw_fd.
   */
  static fromDescriptor(fd: number, options?: { family?: Family; type?: SocketType; state?: SocketState }): Socket {
    return Socket.#made(inherited(fd, options));
  }

  // A Socket around a native socket the addon made or took over, born in its state.
  static #made({ native, family, type, state }: Made): Socket {
    const socket = new Socket({ family, type }, native, fromNativeToken);
    socket.#enter(state);
    return socket;
  }

  /** shutdown(2) / Winsock shutdown: 'send' (default), 'receive' or 'both'. */
  shutdown(how: 'send' | 'receive' | 'both' = 'send'): this {
    const native = this.#open('shutdown');
    native.shutdown(shutdownOf(how));
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
    this.#batch?.flush(true);  // what sendTo() was given before the close goes first
    this.#native = null;
    if (this.#urgent !== null) this.#urgent.waiting = false;
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

  // 'urgent' events (see urgent.ts): the watch runs while anyone listens.
  #watchUrgent(): void {
    const native = this.#native;
    if (native === null || this.#state !== 'connected' || this.type !== 'stream') return;
    if (this.listenerCount('urgent') === 0) return;
    this.#urgent ??= new UrgentWatch((byte) => (byte === undefined ? this.emit('urgent') : this.emit('urgent', byte)));
    this.#urgent.start(native);
  }

  #unwatchUrgent(): void {
    if (this.#native !== null) this.#urgent?.stop(this.#native);
  }
}
