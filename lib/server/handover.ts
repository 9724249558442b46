// Handing a socket to a child process: one pair of calls on every platform,
// channel.sendSocket(socket) in the parent and channel.receiveSocket() (or
// the 'socket' event) in the child, over a channel forkWithChannel() sets up.
//
//   POSIX:   the descriptor itself, SCM_RIGHTS over a Unix socket pair whose
//            other end the child gets as an extra stdio descriptor;
//   Windows: socket.share(child's pid) (WSADuplicateSocketW), the bytes
//            going over Node's IPC channel to Socket.fromShare().
//
// Either way what the parent knows of the socket (family, type, state) goes
// along on the IPC channel with an id, and the child answers 'adopted' (or
// 'refused'). The parent closes its copy once the child has the socket; a
// child that exits first gets nothing, and the parent's copy stays the
// caller's to close or to hand to another child.
import { type ChildProcess, type ForkOptions, type StdioOptions, fork } from 'node:child_process';
import { EventEmitter } from 'node:events';

import { constants } from '../native';
import { UsageError, invalidArgType, invalidArgValue } from '../errors';
import { Socket, type Family, type SocketType } from '../socket';
import type { SocketState } from '../socket';

/** Messages of this channel on Node's IPC channel carry this key (others are left alone). */
const KEY = 'winsock';
/** The child's environment names its end of the descriptor channel (POSIX). */
const DESCRIPTOR_ENV = 'WINSOCK_CHANNEL_FD';
const ID_BYTES = 4;
// Descriptors travel only where the platform has SCM_RIGHTS.
const PASSES_DESCRIPTORS = constants.SCM_RIGHTS !== undefined;

type Wire =
  | { [KEY]: 'ready' }
  | { [KEY]: 'socket'; id: number; family: Family; type: SocketType; state: SocketState; shared?: string; extra?: unknown }
  | { [KEY]: 'adopted'; id: number }
  | { [KEY]: 'refused'; id: number; message: string; code?: string };

/** What the child receives: the socket, and what the parent sent with it. */
export interface ReceivedSocket {
  /** The socket, adopted in this process, in the state it had in the parent. */
  socket: Socket;
  /** The value the parent passed to `sendSocket(socket, extra)`. */
  extra: unknown;
}

interface Waiting {
  resolve(): void;
  reject(error: Error): void;
}

function isOurs(message: unknown): message is Wire {
  return message !== null && typeof message === 'object' && typeof (message as Record<string, unknown>)[KEY] === 'string';
}

function childExited(): UsageError {
  return new UsageError('the child process exited before it took the socket', 'ERR_CHILD_EXITED');
}

/**
 * One side of a handover channel. In the parent it comes from
 * forkWithChannel() and sends; in the child SocketChannel.fromParent()
 * gives it, and it receives. Events (child): 'socket' (socket, extra).
 */
export class SocketChannel extends EventEmitter {
  readonly #process: ChildProcess | NodeJS.Process;
  readonly #pid: number;
  // POSIX: this side's end of the Unix socket pair that carries descriptors.
  #descriptors: Socket | null;
  #ready: Promise<void>;
  #markReady: () => void = () => {};
  #closed = false;
  #nextId = 0;
  #waiting = new Map<number, Waiting>();
  // The child's side: what arrived of each handover, the IPC half and the descriptor half.
  #announced = new Map<number, Extract<Wire, { [KEY]: 'socket' }>>();
  #handles = new Map<number, ArrayBuffer>();
  #arrived: ReceivedSocket[] = [];
  #takers: ((received: ReceivedSocket) => void)[] = [];
  readonly #onMessage = (message: unknown) => this.#message(message);
  readonly #onGone = () => this.#gone();

  private constructor(peer: ChildProcess | NodeJS.Process, pid: number, descriptors: Socket | null, inChild: boolean) {
    super();
    this.#process = peer;
    this.#pid = pid;
    this.#descriptors = descriptors;
    this.#ready = inChild ? Promise.resolve() : new Promise((resolve) => { this.#markReady = resolve; });
    peer.on('message', this.#onMessage);
    peer.on('disconnect', this.#onGone);
    if (!inChild) (peer as ChildProcess).on('exit', this.#onGone);
  }

  /** @internal The parent's side, for forkWithChannel(). */
  static forParent(child: ChildProcess, descriptors: Socket | null): SocketChannel {
    if (child.pid === undefined) throw new UsageError('the child process did not start', 'ERR_CHILD_EXITED');
    return new SocketChannel(child, child.pid, descriptors, false);
  }

  /**
   * The child's side of the channel its parent made with forkWithChannel();
   * the same object on every call. Tells the parent it is ready to receive.
   */
  static fromParent(): SocketChannel {
    if (parentChannel !== null) return parentChannel;
    if (typeof process.send !== 'function') {
      throw new UsageError('this process has no IPC channel: start it with forkWithChannel()', 'ERR_CHILD_EXITED');
    }
    let descriptors: Socket | null = null;
    const fd = process.env[DESCRIPTOR_ENV];
    if (PASSES_DESCRIPTORS) {
      if (fd === undefined) throw new UsageError(`${DESCRIPTOR_ENV} is not set: start this process with forkWithChannel()`, 'ERR_CHILD_EXITED');
      descriptors = Socket.fromDescriptor(Number(fd), { family: 'unix', type: 'stream', state: 'connected' });
    }
    const channel = new SocketChannel(process, process.ppid, descriptors, true);
    parentChannel = channel;
    if (descriptors !== null) void channel.#readDescriptors(descriptors);
    process.send({ [KEY]: 'ready' } satisfies Wire);
    return channel;
  }

  /** True once the channel ended (close(), or the other side left). */
  get closed(): boolean {
    return this.#closed;
  }

  /** The other side's process id. */
  get pid(): number {
    return this.#pid;
  }

  /**
   * Parent: hands `socket` to the child with `extra` (anything the IPC
   * channel can carry). Resolves once the child has adopted it; this
   * process's copy is then closed. Rejects with ERR_CHILD_EXITED if the
   * child left first: before the socket went, `socket` stays open here (to
   * hand to another child); after, whether the child took it is unknown,
   * so this copy is closed too and the connection ends, rather than reach
   * two processes.
   */
  async sendSocket(socket: Socket, extra?: unknown): Promise<void> {
    if (!(socket instanceof Socket)) throw invalidArgType('socket', 'a Socket', socket);
    if (socket.state === 'closed') throw invalidArgValue('socket', socket.state, 'must be open');
    if (this.#closed) throw childExited();
    await this.#ready;
    if (this.#closed) throw childExited();
    const id = ++this.#nextId;
    const adopted = new Promise<void>((resolve, reject) => this.#waiting.set(id, { resolve, reject }));
    const message: Wire = { [KEY]: 'socket', id, family: socket.family, type: socket.type, state: socket.state, extra };
    try {
      if (this.#descriptors === null) message.shared = socket.share(this.#pid).toString('base64');
      (this.#process as ChildProcess).send(message);
      if (this.#descriptors !== null) {
        const tag = Buffer.alloc(ID_BYTES);
        tag.writeUInt32BE(id);
        await this.#descriptors.sendMsg(tag, { control: [{ rights: [socket] }] });
      }
    } catch (error) {
      this.#waiting.delete(id);
      adopted.catch(() => {});
      throw this.#closed ? childExited() : error;
    }
    try {
      await adopted;
    } finally {
      socket.close();
    }
  }

  /** Child: the next socket the parent hands over. */
  receiveSocket(): Promise<ReceivedSocket> {
    const received = this.#arrived.shift();
    if (received !== undefined) return Promise.resolve(received);
    if (this.#closed) return Promise.reject(new UsageError('the channel to the parent is closed', 'ERR_CHILD_EXITED'));
    return new Promise((resolve) => this.#takers.push(resolve));
  }

  /** Ends the channel (the child process itself runs on). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#descriptors?.close();
    this.#descriptors = null;
    this.#process.off('message', this.#onMessage);
    this.#process.off('disconnect', this.#onGone);
    (this.#process as ChildProcess).off?.('exit', this.#onGone);
    for (const waiting of this.#waiting.values()) waiting.reject(childExited());
    this.#waiting.clear();
    if (parentChannel === this) parentChannel = null;
  }

  #gone(): void {
    this.close();
  }

  #message(message: unknown): void {
    if (!isOurs(message)) return;
    switch (message[KEY]) {
      case 'ready':
        this.#markReady();
        return;
      case 'adopted':
        this.#waiting.get(message.id)?.resolve();
        this.#waiting.delete(message.id);
        return;
      case 'refused': {
        const error = new UsageError(`the child refused the socket: ${message.message}`, 'ERR_CHILD_EXITED');
        this.#waiting.get(message.id)?.reject(Object.assign(error, { cause: message.code }));
        this.#waiting.delete(message.id);
        return;
      }
      case 'socket':
        this.#announced.set(message.id, message);
        this.#match(message.id);
        return;
    }
  }

  // The descriptor half: each handover is its id and one descriptor.
  async #readDescriptors(descriptors: Socket): Promise<void> {
    for (;;) {
      let message;
      try {
        message = await descriptors.recvMsg(ID_BYTES * 64, { controlSize: 1024 });
      } catch {
        return;  // closed
      }
      if (message.data.length === 0) return;  // the parent's end closed
      const handles = message.control.flatMap((item) => (item.kind === 'rights' ? item.handles : []));
      // The stack returns a descriptor with the bytes sent with it, never
      // two sends' descriptors in one read: ids and handles pair in order.
      for (let at = 0, i = 0; at + ID_BYTES <= message.data.length; at += ID_BYTES, i++) {
        const handle = handles[i];
        if (handle === undefined) continue;
        const id = message.data.readUInt32BE(at);
        this.#handles.set(id, handle);
        this.#match(id);
      }
    }
  }

  #match(id: number): void {
    const announced = this.#announced.get(id);
    if (announced === undefined) return;
    const handle = this.#handles.get(id);
    if (this.#descriptors !== null && handle === undefined) return;
    this.#announced.delete(id);
    this.#handles.delete(id);
    const { family, type, state } = announced;
    let socket: Socket;
    try {
      socket = handle !== undefined
        ? Socket.adopt({ transfer: handle, family, type, state })
        : Socket.fromShare(Buffer.from(announced.shared ?? '', 'base64'), { family, type, state });
    } catch (error) {
      const { message, code } = error as { message: string; code?: string };
      process.send?.({ [KEY]: 'refused', id, message, code } satisfies Wire);
      return;
    }
    process.send?.({ [KEY]: 'adopted', id } satisfies Wire);
    const received: ReceivedSocket = { socket, extra: announced.extra };
    const taker = this.#takers.shift();
    if (taker !== undefined) taker(received);
    else if (this.listenerCount('socket') > 0) this.emit('socket', socket, announced.extra);
    else this.#arrived.push(received);
  }
}

let parentChannel: SocketChannel | null = null;

function withChannelStdio(stdio: StdioOptions | undefined, descriptor: number | null): { stdio: StdioOptions; index: number } {
  const base: unknown[] = stdio === undefined ? ['inherit', 'inherit', 'inherit'] : typeof stdio === 'string' ? [stdio, stdio, stdio] : [...stdio];
  if (!base.includes('ipc')) base.push('ipc');
  if (descriptor === null) return { stdio: base as StdioOptions, index: -1 };
  base.push(descriptor);
  return { stdio: base as StdioOptions, index: base.length - 1 };
}

/**
 * child_process.fork() with a handover channel to the child: on POSIX a
 * Unix socket pair whose other end becomes one of the child's stdio
 * descriptors; on Windows Node's IPC channel alone.
 */
export function forkWithChannel(modulePath: string, args: readonly string[] = [], options: ForkOptions = {}):
  {
    /** The child process, as `child_process.fork` returns it. */
    child: ChildProcess;
    /** The parent's end of the handover channel to that child. */
    channel: SocketChannel;
  } {
  if (typeof modulePath !== 'string') throw invalidArgType('modulePath', 'of type string', modulePath);
  const pair = PASSES_DESCRIPTORS ? Socket.pair() : null;
  try {
    const { stdio, index } = withChannelStdio(options.stdio, pair === null ? null : pair[1].fd);
    const env = { ...(options.env ?? process.env), ...(index >= 0 ? { [DESCRIPTOR_ENV]: String(index) } : {}) };
    const child = fork(modulePath, args, { ...options, stdio, env });
    const channel = SocketChannel.forParent(child, pair === null ? null : pair[0]);
    return { child, channel };
  } catch (error) {
    pair?.[0].close();
    throw error;
  } finally {
    pair?.[1].close();  // the child has its own copy now
  }
}
