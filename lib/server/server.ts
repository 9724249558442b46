// createServer(): a listening socket, an accept loop that never dies of a
// transient error, a handler per connection, and the bookkeeping around it
// (open connections, a limit, an idle reaper, a graceful close). With
// `workers`, each connection is handed to a worker thread by the
// WorkerPool (worker-pool.ts); server-worker.ts is the other side.
import { EventEmitter } from 'node:events';
import path from 'node:path';

import type { SocketAddress } from '../socket';
import { UsageError, invalidArgType, invalidArgValue, outOfRange } from '../errors';
import { IdleReaper } from './reaper';
import { Socket } from '../socket';
import { WorkerPool } from './worker-pool';
import { ProcessPool } from './process-pool';
import type { SocketState } from '../socket';

/** What `createServer()` takes: the listening socket's address and options, and how connections are served. */
export interface ServerOptions {
  /** The local address to bind; default the wildcard of the family. */
  address?: string;
  /** The local port; 0 lets the stack choose. */
  port: number;
  /** 'inet' (default) or 'inet6'. */
  family?: 'inet' | 'inet6';
  /** listen() backlog; default 511. */
  backlog?: number;
  /** SO_REUSEADDR on the listening socket. */
  reuseAddress?: boolean;
  /** SO_EXCLUSIVEADDRUSE when true (Windows); POSIX has no such option and fails with ENOPROTOOPT. */
  exclusiveAddressUse?: boolean;
  /** Closes connections idle for this many ms (an IdleReaper). */
  idleTimeout?: number;
  /** Connections beyond this many are accepted and closed at once. */
  maxConnections?: number;
  /** Runs the handler in this many worker threads. */
  workers?: number;
  /** With `workers`: the module whose export is the handler, `async (socket) => {...}`. */
  workerScript?: string;
  /**
   * With `workers`: a worker that dies sooner than this many ms after its
   * start is not restarted (default 1000; PM2's `min_uptime`), so a handler
   * that fails at once does not restart forever.
   */
  minUptime?: number;
  /**
   * Runs the handler in this many child processes (child_process.fork):
   * the parent only listens and hands each connection over.
   */
  processes?: number;
  /** With `processes`: the module whose export is the handler, as workerScript. */
  processScript?: string;
}

/** Called with each accepted connection; sync or async. */
export type ConnectionHandler = (socket: Socket) => unknown;

/** What `server.close()` takes. */
export interface CloseOptions {
  /** Wait for open connections to end instead of closing them. */
  graceful?: boolean;
}

export type { ChildExit, WorkerExit } from './types';


// Accept failures that belong to one incoming connection (the addon's
// accept() retries most of these itself) or to the moment (out of
// descriptors or memory), never to the listening socket: the loop goes on,
// and they reach 'acceptError', not 'error'.
const TRANSIENT = new Set([
  'EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM', 'ECONNABORTED', 'ECONNRESET', 'ENOTCONN', 'EPROTO', 'EPERM', 'EINTR',
  'ENETDOWN', 'ENETUNREACH', 'EHOSTUNREACH', 'EHOSTDOWN', 'ETIMEDOUT',
]);
// Out of descriptors or memory: retrying at once would spin, since the connection stays queued.
const BACK_OFF = new Set(['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM']);
const BACK_OFF_MS = 50;
// What a handler's pending operation rejects with when the server, the
// reaper or the peer's own close() ended its connection.
const ENDED_BY_CLOSE = new Set(['ERR_SOCKET_CLOSED', 'ERR_SOCKET_IDLE_TIMEOUT']);
// A worker younger than this at its death is not restarted (options.minUptime).
const DEFAULT_MIN_UPTIME_MS = 1000;
const WILDCARD = { inet: '0.0.0.0', inet6: '::' } as const;


function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < min || value > max) throw outOfRange(name, `an integer >= ${min} and <= ${max}`, value);
  return value;
}

function checkBoolean(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value);
}

function checkOptions(options: ServerOptions): void {
  if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
  checkInteger('options.port', options.port, 0, 65535);
  if (options.address !== undefined && typeof options.address !== 'string') {
    throw invalidArgType('options.address', 'of type string', options.address);
  }
  if (options.family !== undefined && options.family !== 'inet' && options.family !== 'inet6') {
    throw invalidArgValue('options.family', options.family, "must be 'inet' or 'inet6'");
  }
  if (options.backlog !== undefined) checkInteger('options.backlog', options.backlog, 0, 0x7fffffff);
  checkBoolean('options.reuseAddress', options.reuseAddress);
  checkBoolean('options.exclusiveAddressUse', options.exclusiveAddressUse);
  if (options.idleTimeout !== undefined) {
    if (typeof options.idleTimeout !== 'number') throw invalidArgType('options.idleTimeout', 'of type number', options.idleTimeout);
    if (!(options.idleTimeout > 0) || options.idleTimeout > 0x7fffffff) {
      throw outOfRange('options.idleTimeout', 'a number of milliseconds > 0 and <= 2147483647', options.idleTimeout);
    }
  }
  if (options.maxConnections !== undefined) checkInteger('options.maxConnections', options.maxConnections, 0, Number.MAX_SAFE_INTEGER);
  if (options.workers !== undefined) {
    checkInteger('options.workers', options.workers, 1, 1024);
    if (typeof options.workerScript !== 'string') {
      throw invalidArgType('options.workerScript', 'of type string (required with options.workers)', options.workerScript);
    }
  } else if (options.workerScript !== undefined) {
    throw invalidArgValue('options.workerScript', options.workerScript, 'needs options.workers');
  }
  if (options.minUptime !== undefined) {
    checkInteger('options.minUptime', options.minUptime, 0, 0x7fffffff);
    if (options.workers === undefined) throw invalidArgValue('options.minUptime', options.minUptime, 'needs options.workers');
  }
  if (options.processes !== undefined) {
    checkInteger('options.processes', options.processes, 1, 1024);
    if (options.workers !== undefined) throw invalidArgValue('options.processes', options.processes, 'cannot go with options.workers');
    if (typeof options.processScript !== 'string') {
      throw invalidArgType('options.processScript', 'of type string (required with options.processes)', options.processScript);
    }
  } else if (options.processScript !== undefined) {
    throw invalidArgValue('options.processScript', options.processScript, 'needs options.processes');
  }
}

/**
 * A TCP server over Socket: listen(), an accept loop handing each connection
 * to the handler (in this thread, or in one of `workers` worker threads),
 * and close().
 *
 * Events: 'listening' (address), 'connectionError' (error, socket) when a
 * handler throws or rejects (that connection is closed), 'reap' (socket,
 * idleMs) from the idle reaper, 'acceptError' (error) for a failure of one
 * incoming connection or a lack of descriptors (the server goes on),
 * 'error' (error) when the listening socket itself failed (the server has
 * stopped), 'workerExit' (WorkerExit) when a worker thread ends by itself,
 * 'childExit' (ChildExit) when a child process of `processes` dies (a new
 * one takes its place; the connections it held end, and 'connectionError'
 * then has no socket for a handler failure in a child),
 * 'close'.
 */
export class Server extends EventEmitter {
  readonly #options: ServerOptions;
  readonly #handler: ConnectionHandler | undefined;
  #listener: Socket | null = null;
  #accepting: Promise<void> = Promise.resolve();
  #stopping = false;
  #closed: Promise<void> | null = null;
  #wakeBackOff: (() => void) | null = null;
  #open = new Set<Socket>();
  #rejected = 0;
  #drainWaiters: (() => void)[] = [];
  readonly #reaper: IdleReaper | null;
  readonly #pool: WorkerPool | ProcessPool | null;
  // Shared by every connection: EventEmitter calls it with `this` = the socket.
  readonly #onConnectionState: (this: Socket, next: SocketState) => void;

  /** A server that is not listening yet; see createServer(). */
  constructor(options: ServerOptions, onConnection?: ConnectionHandler) {
    super();
    checkOptions(options);
    const elsewhere = options.workers !== undefined || options.processes !== undefined;
    if (!elsewhere && typeof onConnection !== 'function') {
      throw invalidArgType('onConnection', 'a function', onConnection);
    }
    if (elsewhere && onConnection !== undefined) {
      throw invalidArgValue('onConnection', onConnection,
        'must be left out with options.workers or options.processes (the handler is workerScript / processScript)');
    }
    this.#options = { ...options };
    this.#handler = onConnection;
    this.#reaper = options.idleTimeout === undefined || elsewhere
      ? null
      : new IdleReaper({ timeout: options.idleTimeout });
    this.#reaper?.on('reap', (socket: Socket, idleMs: number) => this.emit('reap', socket, idleMs));
    this.#pool = options.processes !== undefined
      ? new ProcessPool(this, {
        script: path.resolve(options.processScript as string),
        count: options.processes,
        idleTimeout: options.idleTimeout,
      })
      : options.workers === undefined ? null : new WorkerPool(this, {
        script: path.resolve(options.workerScript as string),
        count: options.workers,
        idleTimeout: options.idleTimeout,
        minUptime: options.minUptime ?? DEFAULT_MIN_UPTIME_MS,
      });
    const server = this;
    this.#onConnectionState = function onConnectionState(this: Socket, next: SocketState) {
      if (next !== 'closed') return;
      server.#open.delete(this);
      this.off('state', server.#onConnectionState);
      server.connectionEnded();
    };
  }

  /** The process ids of the children serving connections (with `processes`), else []. */
  get childPids(): number[] {
    return this.#pool instanceof ProcessPool ? this.#pool.pids : [];
  }

  /** Open connections (in this thread, in the workers or in the child processes). */
  get connections(): number {
    return this.#open.size + (this.#pool?.connections ?? 0);
  }

  /** Connections accepted and closed at once because of maxConnections (or no worker left). */
  get rejected(): number {
    return this.#rejected;
  }

  /** The reaper that closes idle connections (idleTimeout, in this thread), or null. */
  get reaper(): IdleReaper | null {
    return this.#reaper;
  }

  /** Whether the server accepts connections. */
  get listening(): boolean {
    return this.#listener !== null && !this.#stopping;
  }

  /** The bound address while listening, else null. */
  address(): SocketAddress | null {
    return this.listening ? (this.#listener as Socket).localAddress() as SocketAddress : null;
  }

  /**
   * socket(), the options, bind(), listen() (and the workers' start):
   * resolves with the bound address once connections are being accepted.
   */
  async listen(): Promise<SocketAddress> {
    if (this.#listener !== null || this.#stopping) {
      throw new UsageError('listen() was already called on this server', 'ERR_SERVER_ALREADY_LISTEN');
    }
    const options = this.#options;
    const family = options.family ?? 'inet';
    const listener = new Socket({ family });
    this.#listener = listener;
    try {
      if (options.reuseAddress !== undefined) listener.setOption('SO_REUSEADDR', options.reuseAddress);
      if (options.exclusiveAddressUse) listener.setOption('SO_EXCLUSIVEADDRUSE', true);
      listener.bind({ address: options.address ?? WILDCARD[family], port: options.port });
      listener.listen(options.backlog ?? 511);
      await this.#pool?.start();
    } catch (error) {
      // Nothing was started: listen() may be tried again (after EADDRINUSE, say).
      listener.close();
      this.#listener = null;
      await this.#pool?.terminate();
      // close() during the start terminates the workers: that, not their exit, is why.
      if (this.#stopping) throw new UsageError('the server was closed while starting', 'ERR_SERVER_NOT_RUNNING');
      throw error;
    }
    if (this.#stopping) throw new UsageError('the server was closed while starting', 'ERR_SERVER_NOT_RUNNING');
    this.#accepting = this.#acceptLoop(listener);
    const address = listener.localAddress() as SocketAddress;
    this.emit('listening', address);
    return address;
  }

  /**
   * Stops accepting, then closes the open connections, or with
   * `{ graceful: true }` waits for them to end; then stops the reaper and
   * the workers. Calling it again without `graceful` ends the wait by
   * closing what is left.
   */
  close(options: CloseOptions = {}): Promise<void> {
    if (options === null || typeof options !== 'object') return Promise.reject(invalidArgType('options', 'of type object', options));
    try {
      checkBoolean('options.graceful', options.graceful);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#stopping = true;
    this.#listener?.close();
    this.#wakeBackOff?.();
    if (!options.graceful) {
      for (const socket of [...this.#open]) socket.close();
      this.#pool?.abort();
    }
    this.#closed ??= this.#finishClose();
    return this.#closed;
  }

  /** close(), not waited for, at the end of a `using` block. */
  [Symbol.dispose](): void {
    void this.close();
  }

  /** close(), at the end of an `await using` block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #finishClose(): Promise<void> {
    await this.#accepting;
    if (this.connections > 0) await new Promise<void>((resolve) => this.#drainWaiters.push(resolve));
    this.#reaper?.close();
    await this.#pool?.terminate();
    this.emit('close');
  }

  async #acceptLoop(listener: Socket): Promise<void> {
    while (!this.#stopping) {
      let socket: Socket;
      try {
        socket = await listener.accept();
      } catch (error) {
        if (this.#stopping) return;
        const code = (error as { code?: string }).code ?? '';
        if (!TRANSIENT.has(code)) {
          // The listening socket itself failed: stop, and say so as Node does
          // (an 'error' nobody listens to is an uncaught exception).
          this.#stopping = true;
          listener.close();
          process.nextTick(() => this.emit('error', error));
          return;
        }
        this.emit('acceptError', error);
        if (BACK_OFF.has(code)) await this.#backOff();
        continue;
      }
      this.#admit(socket);
    }
  }

  #backOff(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(wake, BACK_OFF_MS);
      const server = this;
      function wake() {
        clearTimeout(timer);
        server.#wakeBackOff = null;
        resolve();
      }
      this.#wakeBackOff = wake;
    });
  }

  #admit(socket: Socket): void {
    const max = this.#options.maxConnections;
    if (this.#stopping) {
      socket.close();
      return;
    }
    if (max !== undefined && this.connections >= max) {
      socket.close();
      this.#rejected++;
      return;
    }
    if (this.#pool !== null) {
      if (!this.#pool.dispatch(socket)) this.#rejected++;
      return;
    }
    this.#open.add(socket);
    socket.on('state', this.#onConnectionState);
    this.#reaper?.add(socket);
    let outcome: unknown;
    try {
      outcome = (this.#handler as ConnectionHandler)(socket);
    } catch (error) {
      this.connectionFailed(error, socket);
      return;
    }
    if (outcome !== null && typeof (outcome as PromiseLike<unknown>)?.then === 'function') {
      (outcome as PromiseLike<unknown>).then(undefined, (error: unknown) => this.connectionFailed(error, socket));
    }
  }

  /**
   * @internal A handler failed: report it and close that connection
   * (`socket` null: it lived in a child process, which closed it).
   */
  connectionFailed(error: unknown, socket: Socket | null, closedBefore = socket?.state === 'closed'): void {
    try {
      if (this.listenerCount('connectionError') > 0) {
        this.emit('connectionError', error, socket);
      } else if (!(closedBefore && ENDED_BY_CLOSE.has((error as { code?: unknown })?.code as string))) {
        // Not swallowed: with nobody listening, it becomes a process warning
        // (unless the handler only saw its connection closed under it).
        process.emitWarning(error instanceof Error ? error : String(error), 'ConnectionError');
      }
    } finally {
      socket?.close();
    }
  }

  /** @internal A connection ended (here or in a worker): wakes a graceful close. */
  connectionEnded(): void {
    if (this.#drainWaiters.length === 0 || this.connections > 0) return;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** @internal No worker was left to take a connection. */
  connectionRejected(): void {
    this.#rejected++;
  }
}

/** new Server(options, onConnection): call listen() on it to start. */
export function createServer(options: ServerOptions, onConnection?: ConnectionHandler): Server {
  return new Server(options, onConnection);
}
