// The script's own helpers over a Socket: `startReading` collects what
// continuous reading delivers, for `read N`; `on EVENT` / `next EVENT`
// record a socket's events and hand them out in order.
import type { Socket } from '../../index';
import type { Collector, EventQueue } from './calls';

/** startReading into a buffer; read(n) waits for n bytes (or the end). */
export class ReadCollector implements Collector {
  readonly #socket: Socket;
  #chunks: Buffer[] = [];
  #length = 0;
  #ended: { error?: Error } | null = null;
  #wake: (() => void) | null = null;

  constructor(socket: Socket) {
    this.#socket = socket;
  }

  start(size?: number): void {
    this.#socket.startReading((chunk) => {
      this.#chunks.push(chunk);
      this.#length += chunk.length;
      this.#notify();
    }, (error) => {
      this.#ended = error === undefined ? {} : { error };
      this.#notify();
    }, size === undefined ? undefined : { size });
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  async read(size: number): Promise<Buffer> {
    while (this.#length < size && this.#ended === null) {
      await new Promise<void>((resolve) => { this.#wake = resolve; });
    }
    if (this.#length === 0 && this.#ended?.error !== undefined) throw this.#ended.error;
    const all = Buffer.concat(this.#chunks);
    const taken = all.subarray(0, size);
    this.#chunks = taken.length < all.length ? [all.subarray(taken.length)] : [];
    this.#length = all.length - taken.length;
    return taken;
  }
}

/** One event of one socket, recorded from the first `on` (or `next`). */
export class RecordedEvents implements EventQueue {
  #queue: unknown[] = [];
  #waiting: ((value: unknown) => void)[] = [];

  constructor(socket: Socket, event: string) {
    socket.on(event, (...args: unknown[]) => {
      const value = args.length <= 1 ? args[0] : args;
      const waiter = this.#waiting.shift();
      if (waiter !== undefined) waiter(value);
      else this.#queue.push(value);
    });
  }

  next(): Promise<unknown> {
    if (this.#queue.length > 0) return Promise.resolve(this.#queue.shift());
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
}
