// Child processes for createServer({ processes }): the parent accepts and
// hands each connection to the least-loaded child over a SocketChannel
// (handover.ts); server-child.ts is the other side. A child that dies is
// replaced; the connections it held end with it, and one on its way to it
// goes to another child.
//
// Messages from a child (Node's IPC channel, under the key below):
//   { ready } once the handler module loaded, { closed } when a connection
//   it served ended, { failed, error, closedBefore } when its handler threw.
// To a child: { stop, graceful }.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';

import { UsageError } from '../errors';
import { type ErrorDescription, reviveError } from './handler-module';
import { type SocketChannel, forkWithChannel } from './handover';
import type { ChildExit, PoolHost } from './types';
import type { Socket } from '../socket';

/** The key of the server's own messages on a child's IPC channel. */
export const SERVER_KEY = 'winsockServer';
const CHILD_ENTRY = path.join(__dirname, 'child.js');
// How long a stopping child may take to end by itself before it is killed.
const STOP_GRACE_MS = 5000;

interface PoolOptions {
  script: string;
  count: number;
  idleTimeout: number | undefined;
}


type ChildMessage =
  | { [SERVER_KEY]: 'ready' }
  | { [SERVER_KEY]: 'closed' }
  | { [SERVER_KEY]: 'failed'; closedBefore: boolean; error: ErrorDescription };

interface Slot {
  child: ChildProcess;
  channel: SocketChannel;
  pid: number;
  // Connections handed to this child (or on their way) and not ended yet.
  open: number;
  ready: boolean;
  exited: Promise<void>;
  gone: boolean;
}

export class ProcessPool {
  readonly #server: PoolHost;
  readonly #options: PoolOptions;
  #slots: Slot[] = [];
  #next = 0;
  #started = false;
  #stopping = false;

  constructor(server: PoolHost, options: PoolOptions) {
    this.#server = server;
    this.#options = options;
  }

  /** Connections handed to (or on their way to) the children. */
  get connections(): number {
    return this.#slots.reduce((count, slot) => count + slot.open, 0);
  }

  /** The children's process ids. */
  get pids(): number[] {
    return this.#slots.filter((slot) => !slot.gone).map((slot) => slot.pid);
  }

  /** Starts the children; resolves once each has loaded the handler module. */
  async start(): Promise<void> {
    this.#stopping = false;
    this.#slots = [];
    const starting: Promise<void>[] = [];
    for (let i = 0; i < this.#options.count; i++) starting.push(this.#spawn(i));
    await Promise.all(starting);
    this.#started = true;
  }

  /** Hands a connection to the least-loaded child; false (and closed) if none is left. */
  dispatch(socket: Socket, tried = 0): boolean {
    const slot = this.#pick();
    if (slot === undefined || tried >= this.#options.count + 1) {
      socket.close();
      return false;
    }
    slot.open++;
    slot.channel.sendSocket(socket).then(undefined, (error: unknown) => {
      slot.open--;
      // The child left before the socket went to it: another one takes it
      // (never a dead child: #pick skips every child that is gone). Once it
      // went, sendSocket closed it: that connection ended with the child.
      if (socket.state === 'closed' || this.#stopping) {
        socket.close();
        this.#server.connectionEnded();
        return;
      }
      if (!this.dispatch(socket, tried + 1)) {
        this.#server.connectionRejected();
        if (!slot.gone) this.#server.connectionFailed(error, socket, true);
      }
      this.#server.connectionEnded();
    });
    return true;
  }

  /** Stops the children now: their connections close. */
  abort(): void {
    this.#stopping = true;
    for (const slot of this.#slots) this.#stop(slot, false);
  }

  /** Stops the children once their connections ended; resolves when they exited. */
  async terminate(): Promise<void> {
    this.#stopping = true;
    for (const slot of this.#slots) this.#stop(slot, true);
    await Promise.all(this.#slots.map((slot) => slot.exited));
  }

  #stop(slot: Slot, graceful: boolean): void {
    if (slot.gone) return;
    slot.channel.close();
    try {
      slot.child.send({ [SERVER_KEY]: 'stop', graceful });
    } catch {
      slot.child.kill('SIGKILL');  // no channel left to ask it with
      return;
    }
    const timer = setTimeout(() => slot.child.kill('SIGKILL'), graceful ? STOP_GRACE_MS * 12 : STOP_GRACE_MS);
    timer.unref();
    void slot.exited.then(() => clearTimeout(timer));
  }

  #pick(): Slot | undefined {
    let best: Slot | undefined;
    let bestLoad = Infinity;
    const count = this.#slots.length;
    // Least loaded, ties broken round robin.
    for (let i = 0; i < count; i++) {
      const slot = this.#slots[(this.#next + i) % count];
      if (slot === undefined || slot.gone || !slot.ready || slot.channel.closed) continue;
      if (slot.open < bestLoad) {
        best = slot;
        bestLoad = slot.open;
      }
    }
    this.#next = (this.#next + 1) % Math.max(count, 1);
    return best;
  }

  #spawn(index: number): Promise<void> {
    const args = [this.#options.script, String(this.#options.idleTimeout ?? '')];
    const { child, channel } = forkWithChannel(CHILD_ENTRY, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const slot: Slot = { child, channel, pid: child.pid as number, open: 0, ready: false, exited, gone: false };
    this.#slots[index] = slot;
    return new Promise((resolve, reject) => {
      child.on('message', (message: ChildMessage) => {
        const kind = (message as Record<string, unknown> | null)?.[SERVER_KEY];
        if (kind === 'ready') {
          slot.ready = true;
          resolve();
        } else if (kind === 'closed') {
          if (slot.open > 0) slot.open--;
          this.#server.connectionEnded();
        } else if (kind === 'failed') {
          const failed = message as Extract<ChildMessage, { [SERVER_KEY]: 'failed' }>;
          // The socket lives in the child (closed there now): none to pass.
          this.#server.connectionFailed(reviveError(failed.error), null, failed.closedBefore);
        }
      });
      child.on('error', () => { /* 'exit' follows, or the spawn failed: reported there */ });
      child.once('exit', (exitCode, signal) => {
        const wasReady = slot.ready;
        this.#onExit(slot, index, exitCode, signal);
        if (!wasReady) {
          reject(new UsageError(`the server's child process exited with ${signal ?? `code ${exitCode}`} before it was ready`,
            'ERR_CHILD_EXITED'));
        }
      });
    });
  }

  #onExit(slot: Slot, index: number, exitCode: number | null, signal: NodeJS.Signals | null): void {
    slot.gone = true;
    slot.channel.close();
    // Its connections ended with it (their descriptors were its own).
    slot.open = 0;
    this.#server.connectionEnded();
    // Stopping, or still starting (then listen() rejects instead): no restart, no event.
    if (this.#stopping || !this.#started) return;
    // A child that never loaded its handler would fail again: not restarted.
    const restarted = slot.ready;
    if (restarted) this.#spawn(index).catch(() => {});
    this.#server.emit('childExit', { pid: slot.pid, exitCode, signal, restarted } satisfies ChildExit);
  }
}
