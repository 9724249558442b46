// The idle reaper: closes sockets that had no completed I/O for `timeout` ms.
//
// Built for many sockets. Activity costs nothing here: the addon stamps each
// completed operation into an array JS reads directly (socket.lastActivity,
// lastRead, lastWrite). One coarse, unref'd timer per reaper sweeps every
// `interval` ms. The sweep keeps, per socket, the earliest time it could be
// idle (its deadline) in a Float64Array and reads a socket's timestamp only
// once that deadline has passed, so a busy socket is looked at once per
// `timeout`, not once per sweep. Activity only moves forward: the skip is exact.
//
// Sockets live in dense arrays (swap-remove on delete) and leave by
// themselves: one 'state' listener per reaper (shared by its sockets) drops
// a socket as it becomes 'closed', whether by close(), closeWith() or
// detach(), so `size` is always exact.
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';

import { UsageError, invalidArgType, invalidArgValue, outOfRange } from '../errors';
import { Socket } from '../socket';
import type { SocketState } from '../socket';

/** Which completed operations count as activity (Netty's reader/writer/all idle). */
export type IdleKind = 'read' | 'write' | 'any';

/** What `new IdleReaper()` takes. */
export interface IdleReaperOptions {
  /** Milliseconds without activity after which a socket is reaped. */
  timeout: number;
  /** Sweep period in ms; default timeout / 4, at least 10. */
  interval?: number;
  /** Which activity counts: 'read', 'write' or 'any' (default). */
  idle?: IdleKind;
}

/** The code that pending operations of a reaped socket reject with. */
export const IDLE_TIMEOUT_CODE = 'ERR_SOCKET_IDLE_TIMEOUT';

const MAX_TIMER_MS = 0x7fffffff;
const MIN_DEFAULT_INTERVAL = 10;
const INITIAL_CAPACITY = 16;

function checkMs(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!(value >= min) || value > MAX_TIMER_MS) {
    throw outOfRange(name, `a number of milliseconds >= ${min} and <= ${MAX_TIMER_MS}`, value);
  }
  return value;
}

/**
 * Closes the sockets added to it once they have had no completed I/O for
 * `timeout` ms, emitting `'reap'` (socket, idleMs) just before; their pending
 * operations reject with `ERR_SOCKET_IDLE_TIMEOUT`. One unref'd timer sweeps
 * every `interval` ms.
 */
export class IdleReaper extends EventEmitter {
  /** Milliseconds without activity after which a socket is reaped. */
  readonly timeout: number;
  /** The sweep period in milliseconds. */
  readonly interval: number;
  /** Which activity counts. */
  readonly idle: IdleKind;

  #sockets: Socket[] = [];
  // Per slot: the earliest performance.now() at which the socket can be idle,
  // and when it was added (the clock never starts before that).
  #deadlines = new Float64Array(INITIAL_CAPACITY);
  #added = new Float64Array(INITIAL_CAPACITY);
  #slots = new Map<Socket, number>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #activityOf: (socket: Socket) => number;
  // Shared by every watched socket: EventEmitter calls it with `this` = the socket.
  readonly #onState: (this: Socket, next: SocketState) => void;

  /** A reaper that closes sockets idle for `timeout` ms, checked every `interval` ms. */
  constructor(options: IdleReaperOptions) {
    super();
    if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
    this.timeout = checkMs('options.timeout', options.timeout, Number.MIN_VALUE);
    this.interval = options.interval === undefined
      ? Math.max(MIN_DEFAULT_INTERVAL, Math.min(MAX_TIMER_MS, this.timeout / 4))
      : checkMs('options.interval', options.interval, 1);
    const idle = options.idle ?? 'any';
    if (idle !== 'any' && idle !== 'read' && idle !== 'write') {
      throw invalidArgValue('options.idle', idle, "must be 'read', 'write' or 'any'");
    }
    this.idle = idle;
    this.#activityOf = idle === 'any' ? (socket) => socket.lastActivity
      : idle === 'read' ? (socket) => socket.lastRead : (socket) => socket.lastWrite;
    const reaper = this;
    this.#onState = function onState(this: Socket, next: SocketState) {
      if (next === 'closed') reaper.delete(this);
    };
  }

  /** How many sockets are watched. */
  get size(): number {
    return this.#sockets.length;
  }

  /** Watches a socket; its idle clock starts at its last activity or now, whichever is later. */
  add(socket: Socket): this {
    if (!(socket instanceof Socket)) throw invalidArgType('socket', 'an instance of Socket', socket);
    if (this.#closed) {
      throw new UsageError('cannot add() to a closed IdleReaper', 'ERR_REAPER_CLOSED');
    }
    if (this.#slots.has(socket) || socket.state === 'closed') return this;
    const slot = this.#sockets.length;
    if (slot === this.#deadlines.length) this.#grow();
    const now = performance.now();
    this.#sockets.push(socket);
    this.#slots.set(socket, slot);
    this.#added[slot] = now;
    this.#deadlines[slot] = Math.max(now, this.#activityOf(socket)) + this.timeout;
    socket.on('state', this.#onState);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.sweep(), this.interval);
      this.#timer.unref();
    }
    return this;
  }

  /** Stops watching a socket (it stays open); false if it was not watched. */
  delete(socket: Socket): boolean {
    const slot = this.#slots.get(socket);
    if (slot === undefined) return false;
    socket.off('state', this.#onState);
    this.#slots.delete(socket);
    const last = this.#sockets.length - 1;
    if (slot !== last) {
      const moved = this.#sockets[last];
      this.#sockets[slot] = moved;
      this.#deadlines[slot] = this.#deadlines[last];
      this.#added[slot] = this.#added[last];
      this.#slots.set(moved, slot);
    }
    this.#sockets.pop();
    if (last === 0) this.#stopTimer();
    return true;
  }

  /** Whether the socket is watched. */
  has(socket: Socket): boolean {
    return this.#slots.has(socket);
  }

  /** Stops the sweep and forgets every socket; closes no socket. */
  close(): void {
    this.#closed = true;
    this.#stopTimer();
    for (const socket of this.#sockets) socket.off('state', this.#onState);
    this.#sockets = [];
    this.#slots.clear();
  }
  /** close(), at the end of a `using` block (it closes no socket). */
  [Symbol.dispose](): void {
    this.close();
  }


  /**
   * Runs one sweep now (the timer calls it every `interval` ms): emits
   * 'reap' (socket, idleMs) for each socket idle for at least `timeout` ms,
   * then closes it with ERR_SOCKET_IDLE_TIMEOUT. Returns how many it reaped.
   */
  sweep(): number {
    const now = performance.now();
    const sockets = this.#sockets;
    const deadlines = this.#deadlines;
    const timeout = this.timeout;
    let idle: Socket[] | undefined;
    let idleMs: number[] | undefined;
    for (let slot = 0; slot < sockets.length; slot++) {
      if (deadlines[slot] > now) continue;
      const since = Math.max(this.#activityOf(sockets[slot]), this.#added[slot]);
      if (now - since >= timeout) {
        (idle ??= []).push(sockets[slot]);
        (idleMs ??= []).push(now - since);
      } else {
        deadlines[slot] = since + timeout;
      }
    }
    if (idle === undefined || idleMs === undefined) return 0;
    // Closing removes each socket from the arrays: done after the scan.
    for (let i = 0; i < idle.length; i++) {
      const socket = idle[i];
      try {
        this.emit('reap', socket, idleMs[i]);
      } finally {
        socket.closeWith(IDLE_TIMEOUT_CODE);
        this.delete(socket);
      }
    }
    return idle.length;
  }

  #grow(): void {
    const capacity = this.#deadlines.length * 2;
    const deadlines = new Float64Array(capacity);
    const added = new Float64Array(capacity);
    deadlines.set(this.#deadlines);
    added.set(this.#added);
    this.#deadlines = deadlines;
    this.#added = added;
  }

  #stopTimer(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
