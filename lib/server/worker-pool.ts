// Worker threads for createServer: the main thread accepts, detaches each
// connection and posts it to the least-loaded worker, which adopts it
// (server-worker.ts).
//
// Messages to a worker:   { type: 'connection', id, transfer, family, socketType, state }
// Messages from a worker: { type: 'ready' } once the handler module loaded,
//                         { type: 'adopted', id }, { type: 'closed', id },
//                         { type: 'failed', id, error, closedBefore } when the handler threw.
import path from 'node:path';
import { Worker } from 'node:worker_threads';

import { UsageError } from '../errors';
import { type ErrorDescription, reviveError } from './handler-module';
import type { PoolHost, WorkerExit } from './types';
import { Socket } from '../socket';

interface PoolOptions {
  script: string;
  count: number;
  idleTimeout: number | undefined;
  // A worker that dies sooner than this after its start is not restarted
  // (a handler module that throws on load would otherwise restart forever).
  minUptime: number;
}

interface InFlight {
  socket: Socket;
  transfer: ArrayBuffer;
}

interface Slot {
  worker: Worker;
  threadId: number;
  startedAt: number;
  // Posted, not yet adopted: the main thread still has to close these if the worker dies.
  posted: Map<number, InFlight>;
  // Adopted: the worker's own cleanup closes these if it dies.
  adopted: Map<number, Socket>;
  exited: boolean;
}

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'adopted'; id: number }
  | { type: 'closed'; id: number }
  | { type: 'failed'; id: number; closedBefore: boolean;
      error: ErrorDescription };

const WORKER_ENTRY = path.join(__dirname, 'worker.js');

export class WorkerPool {
  readonly #server: PoolHost;
  readonly #options: PoolOptions;
  #slots: Slot[] = [];
  #next = 0;
  #nextId = 0;
  #started = false;
  #stopping = false;

  constructor(server: PoolHost, options: PoolOptions) {
    this.#server = server;
    this.#options = options;
  }

  /** Connections posted to or open in the workers. */
  get connections(): number {
    let count = 0;
    for (const slot of this.#slots) count += slot.posted.size + slot.adopted.size;
    return count;
  }

  /** Starts the workers; resolves once each has loaded the handler module. */
  async start(): Promise<void> {
    this.#stopping = false;
    this.#slots = [];
    const starting: Promise<void>[] = [];
    for (let i = 0; i < this.#options.count; i++) starting.push(this.#spawn(i));
    await Promise.all(starting);
    this.#started = true;
  }

  /** Posts a connection to the least-loaded worker; false (and closed) if none is left. */
  dispatch(socket: Socket): boolean {
    const slot = this.#pick();
    if (slot === undefined) {
      socket.close();
      return false;
    }
    const id = ++this.#nextId;
    const { transfer, family, type, state } = socket.detach();
    // postMessage copies the ArrayBuffer, so `transfer` stays ours to close
    // the connection with should the worker die before adopting it (the
    // handle can be adopted once: by the worker, or by #onExit).
    slot.posted.set(id, { socket, transfer });
    slot.worker.postMessage({ type: 'connection', id, transfer, family, socketType: type, state });
    return true;
  }

  /** Terminates the workers now; their connections close. */
  abort(): void {
    this.#stopping = true;
    for (const slot of this.#slots) void slot.worker.terminate();
  }

  /** Terminates the workers; resolves once they exited. */
  async terminate(): Promise<void> {
    this.#stopping = true;
    await Promise.all(this.#slots.map((slot) => (slot.exited ? undefined : slot.worker.terminate())));
  }

  #pick(): Slot | undefined {
    let best: Slot | undefined;
    let bestLoad = Infinity;
    const count = this.#slots.length;
    // Least loaded, ties broken round robin.
    for (let i = 0; i < count; i++) {
      const slot = this.#slots[(this.#next + i) % count];
      if (slot.exited) continue;
      const load = slot.posted.size + slot.adopted.size;
      if (load < bestLoad) {
        best = slot;
        bestLoad = load;
      }
    }
    this.#next = (this.#next + 1) % Math.max(count, 1);
    return best;
  }

  #spawn(index: number): Promise<void> {
    const worker = new Worker(WORKER_ENTRY, {
      workerData: { script: this.#options.script, idleTimeout: this.#options.idleTimeout },
    });
    const slot: Slot = { worker, threadId: worker.threadId, startedAt: Date.now(), posted: new Map(), adopted: new Map(), exited: false };
    this.#slots[index] = slot;
    let failure: Error | undefined;
    return new Promise((resolve, reject) => {
      let ready = false;
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') {
          ready = true;
          resolve();
        } else {
          this.#onMessage(slot, message);
        }
      });
      worker.on('error', (error) => {
        failure = error;
      });
      worker.on('exit', (exitCode) => {
        this.#onExit(slot, index, exitCode, failure);
        if (!ready) reject(failure ?? new UsageError(`the worker exited with code ${exitCode} before it was ready`, 'ERR_WORKER_INIT_FAILED'));
      });
    });
  }

  #onMessage(slot: Slot, message: WorkerMessage): void {
    switch (message.type) {
      case 'adopted': {
        const posted = slot.posted.get(message.id);
        if (posted === undefined) return;
        slot.posted.delete(message.id);
        slot.adopted.set(message.id, posted.socket);
        return;
      }
      case 'closed':
        if (slot.adopted.delete(message.id) || slot.posted.delete(message.id)) this.#server.connectionEnded();
        return;
      case 'failed': {
        // The worker closed that connection; `socket` is this thread's detached object.
        const socket = slot.adopted.get(message.id) ?? slot.posted.get(message.id)?.socket;
        const error = reviveError(message.error);
        if (socket !== undefined) this.#server.connectionFailed(error, socket, message.closedBefore);
        return;
      }
    }
  }

  #onExit(slot: Slot, index: number, exitCode: number, error: Error | undefined): void {
    slot.exited = true;
    // Adopted connections were closed by the worker's own cleanup; posted
    // ones may not have reached a Socket there, so they are closed here. A
    // handle is adopted at most once: one the worker took in the meantime
    // fails with ERR_SOCKET_HANDLE_USED and is left to the worker's cleanup.
    for (const { socket, transfer } of slot.posted.values()) {
      try {
        Socket.adopt({ transfer, family: socket.family, type: socket.type, state: 'connected' }).close();
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'ERR_SOCKET_HANDLE_USED') this.#server.connectionFailed(error, socket, true);
      }
    }
    slot.posted.clear();
    slot.adopted.clear();
    this.#server.connectionEnded();
    // Stopping, or still starting (then listen() rejects instead): no restart, no event.
    if (this.#stopping || !this.#started) return;
    const restarted = Date.now() - slot.startedAt >= this.#options.minUptime;
    if (restarted) this.#spawn(index).catch(() => {});
    this.#server.emit('workerExit', { threadId: slot.threadId, exitCode, error, restarted } satisfies WorkerExit);
  }
}
