// 'urgent' events: a watch for out-of-band data while anyone listens.
// The addon takes each urgent byte as it arrives (TCP keeps one: the
// peer's next would push it into the stream) and 'urgent' carries it; it
// is also kept for recv({ oob: true }). With SO_OOBINLINE, 'urgent' comes
// with no byte: it waits in the stream, at the mark. The addon calls
// `onurgent` on the native object and keeps neither it nor the socket
// alive: a socket nobody references is collected whatever its listeners.
import type { NativeSocket } from '../native';

// What the addon's urgent watch reports besides a byte (native/socket_wrap.cc).
const URGENT_INLINE = -1;
const URGENT_ENDED = -2;
// Urgent bytes kept for recv({ oob: true }) at most; older ones give way.
const URGENT_KEPT = 1024;

/** One socket's urgent watch: made by the first 'urgent' listener. */
export class UrgentWatch {
  waiting = false;
  readonly #bytes: number[] = [];
  readonly #emit: (byte?: Buffer) => void;

  /** `emit` emits 'urgent' on the socket, with the byte if there is one. */
  constructor(emit: (byte?: Buffer) => void) {
    this.#emit = emit;
  }

  /** waitUrgent(): starts the native watch unless it runs. */
  start(native: NativeSocket): void {
    if (this.waiting) return;
    native.onurgent ??= (code: number) => this.#report(code);
    this.waiting = true;
    native.waitUrgent();
  }

  /** cancelUrgent(): stops the native watch if it runs. */
  stop(native: NativeSocket): void {
    if (!this.waiting) return;
    this.waiting = false;
    native.cancelUrgent();
  }

  /** recv({ oob: true }) from the bytes the watch took: null when none is kept. */
  take(size: number, peek: boolean): Buffer | null {
    if (this.#bytes.length === 0) return null;
    const count = Math.min(size, this.#bytes.length);
    return Buffer.from(peek ? this.#bytes.slice(0, count) : this.#bytes.splice(0, count));
  }

  #report(code: number): void {
    if (code === URGENT_ENDED) {
      // The stream ended, or the watch failed: the stream's reads report why.
      this.waiting = false;
      return;
    }
    if (code === URGENT_INLINE) {
      this.#emit();
      return;
    }
    if (this.#bytes.length >= URGENT_KEPT) this.#bytes.shift();
    this.#bytes.push(code);
    this.#emit(Buffer.of(code));
  }
}
