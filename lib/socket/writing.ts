// Queued writes: write() hands bytes to the stack without waiting, as
// Node's streams do, end() waits for all of them before the FIN, and
// close() reports what it dropped (writes complete in order on a stream,
// so the last write's completion is all of them).
import type { EventEmitter } from 'node:events';

import type { SocketError } from '../errors';
import type { NativeSocket } from '../native';

export class Writer {
  #queued = 0;
  #discarded = 0;
  #needDrain = false;
  #last: Promise<unknown> | null = null;
  #failure: Error | undefined;
  #ending = 0;
  readonly #events: EventEmitter;

  constructor(events: EventEmitter) {
    this.#events = events;
  }

  /** Bytes given to write() that the stack has not taken yet. */
  get queued(): number {
    return this.#queued;
  }

  /** Bytes of sends that close() dropped before the stack took them. */
  get discarded(): number {
    return this.#discarded;
  }

  /** Queues `bytes`; false once `highWaterMark` bytes wait ('drain' follows). */
  write(native: NativeSocket, bytes: Uint8Array, highWaterMark: number): boolean {
    const sent = native.send(bytes, 0);
    // The stack took it all at once: nothing waits, no promise was made.
    if (typeof sent === 'number') return this.#queued < highWaterMark;
    // Counted at the call: the caller may transfer the buffer right after.
    const length = bytes.length;
    this.#queued += length;
    this.#last = sent.then(() => {
      this.#queued -= length;
      if (this.#queued === 0 && this.#needDrain) {
        this.#needDrain = false;
        this.#events.emit('drain');
      }
    }, (error: Error) => {
      this.#queued -= length;
      if ((error as SocketError).code === 'ERR_SOCKET_CLOSED') return;
      this.#failure ??= error;
      // An end() in progress reports it; else 'error' does, as Node's streams.
      if (this.#ending === 0 || this.#events.listenerCount('error') > 0) this.#events.emit('error', error);
    });
    if (this.#queued >= highWaterMark) {
      this.#needDrain = true;
      return false;
    }
    return true;
  }

  /** Resolves once every queued write went to the stack; rejects with the first that failed. */
  async flushed(): Promise<void> {
    this.#ending++;
    try {
      while (this.#last !== null) {
        const last = this.#last;
        await last;
        if (this.#last === last) this.#last = null;
      }
    } finally {
      this.#ending--;
    }
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** The socket closed, dropping `unsent` bytes of pending sends (the addon counts them). */
  close(unsent: number): void {
    this.#discarded += unsent;
  }
}
