// Continuous reading (startReading) over the addon's multishot read, with
// the same contract on every backend: once stopReading() has returned, the
// old onData is never called again, and bytes the stack had already given
// (a Winsock cancel is asynchronous: a read that completed before it still
// arrives) are kept, in order, for the next recv() or startReading().
import { type NativeSocket, constants } from '../native';

/** Socket's method that takes back chunks its async iterator read but did not yield (chunks.ts). */
export const unread = Symbol('unread');

type OnData = (chunk: Buffer) => void;
type OnEnd = (error?: Error) => void;

export class Reader {
  readonly #native: NativeSocket;
  #onData: OnData | null = null;
  #onEnd: OnEnd | undefined;
  // The addon's read: none, running, or cancelled and not ended yet.
  #op: 'none' | 'active' | 'stopping' = 'none';
  #size = 0;
  // startReading's { buffer }: chunks are views of it, valid during onData.
  #buffer: Uint8Array | undefined;
  // The addon's read in progress was armed with a buffer: a chunk kept for
  // later must be copied out, the next read overwrites it.
  #transient = false;
  // Bytes that arrived with nobody reading, and an end (EOF or an error)
  // seen then: both go to the next reader first.
  #kept: Buffer[] = [];
  #ended: { error?: Error } | null = null;
  #flushing = false;
  #settled: (() => void) | null = null;
  #settling: Promise<void> | null = null;

  constructor(native: NativeSocket) {
    this.#native = native;
  }

  /** True between start() and stop() or the end. */
  get reading(): boolean {
    return this.#onData !== null;
  }

  /** Resolves once a stopped read has really ended (null when none is ending). */
  get settling(): Promise<void> | null {
    return this.#settling;
  }

  start(onData: OnData, onEnd: OnEnd | undefined, size: number, buffer?: Uint8Array): void {
    this.#onData = onData;
    this.#onEnd = onEnd;
    this.#size = size;
    this.#buffer = buffer;
    // Kept bytes first, and never before start() returned.
    if (this.#kept.length > 0 || this.#ended !== null) this.#scheduleFlush();
    if (this.#op === 'none' && this.#ended === null) this.#arm();
  }

  stop(): void {
    if (this.#onData === null) return;
    this.#onData = null;
    this.#onEnd = undefined;
    if (this.#op !== 'active') return;
    this.#op = 'stopping';
    this.#settling ??= new Promise((resolve) => { this.#settled = resolve; });
    this.#native.stopReading();  // POSIX: ends at once, inside this call
  }

  /**
   * Up to `size` of the kept bytes (all of them left in place with `peek`),
   * or null when none are kept.
   */
  take(size: number, peek: boolean): Buffer | null {
    if (this.#kept.length === 0) return null;
    const all = this.#kept.length === 1 ? this.#kept[0] : Buffer.concat(this.#kept);
    const taken = all.subarray(0, size);
    if (!peek) this.#kept = taken.length < all.length ? [all.subarray(taken.length)] : [];
    else this.#kept = [all];
    return taken;
  }

  /** Puts chunks read but not consumed (a for await loop that broke) back in front, in order. */
  unread(chunks: Buffer[]): void {
    if (chunks.length > 0) this.#kept.unshift(...chunks);
  }

  /** An end (EOF or an error) that came while nobody read, for recv() to report; taken once. */
  takeEnd(): { error?: Error } | null {
    if (this.#kept.length > 0) return null;
    const ended = this.#ended;
    this.#ended = null;
    return ended;
  }

  #arm(): void {
    this.#op = 'active';
    this.#transient = this.#buffer !== undefined;
    this.#native.startReading(
      (chunk: Buffer) => this.#chunk(chunk),
      (error: Error | undefined, stopped: boolean) => this.#end(error, stopped),
      this.#size,
      this.#buffer,
    );
  }

  #chunk(chunk: Buffer): void {
    const onData = this.#onData;
    if (onData !== null && !this.#flushing && this.#kept.length === 0) onData(chunk);
    else this.#kept.push(this.#transient ? Buffer.from(chunk) : chunk);
  }

  #end(error: Error | undefined, stopped: boolean): void {
    this.#op = 'none';
    if (stopped) {
      const settled = this.#settled;
      this.#settled = null;
      this.#settling = null;
      settled?.();
      // Started again while the cancel was on its way: read on.
      if (this.#onData !== null) this.#arm();
      return;
    }
    this.#ended = error === undefined ? {} : { error };
    if (this.#onData !== null && this.#kept.length === 0 && !this.#flushing) this.#deliverEnd();
  }

  #scheduleFlush(): void {
    if (this.#flushing) return;
    this.#flushing = true;
    queueMicrotask(() => {
      this.#flushing = false;
      while (this.#onData !== null && this.#kept.length > 0) (this.#onData)(this.#kept.shift() as Buffer);
      if (this.#onData !== null && this.#kept.length === 0 && this.#ended !== null) this.#deliverEnd();
    });
  }

  #deliverEnd(): void {
    const onEnd = this.#onEnd;
    const { error } = this.#ended ?? {};
    this.#ended = null;
    this.#onData = null;
    this.#onEnd = undefined;
    onEnd?.(error);
  }

  /** The socket closed: nothing more is delivered. */
  close(): void {
    this.#onData = null;
    this.#onEnd = undefined;
    this.#kept = [];
    const settled = this.#settled;
    this.#settled = null;
    this.#settling = null;
    settled?.();
  }
}

/**
 * recv() on a stream that continuous reading has used: the bytes it kept
 * come first (with MSG_WAITALL, `fetch` asks the stack for the rest), then
 * its end; null when it holds nothing, and the stack is asked.
 */
export function recvKept(reader: Reader, size: number, flags: number,
  fetch: (size: number) => Promise<Buffer>): Promise<Buffer> | null {
  const peek = (flags & constants.MSG_PEEK) !== 0;
  const kept = reader.take(size, peek);
  if (kept !== null) {
    const rest = size - kept.length;
    if ((flags & constants.MSG_WAITALL) === 0 || rest === 0 || peek) return Promise.resolve(kept);
    return fetch(rest).then((more) => Buffer.concat([kept, more]));
  }
  const ended = reader.takeEnd();
  if (ended !== null) return ended.error ? Promise.reject(ended.error) : Promise.resolve(Buffer.alloc(0));
  return null;
}
