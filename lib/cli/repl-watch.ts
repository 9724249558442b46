// The REPL's watch for arriving data: it announces bytes as they arrive
// without taking them, so that the lab's own recv still reads them. With
// nothing announced and unread it waits in recv(MSG_PEEK), which returns
// when bytes arrive (or the peer's EOF); with announced bytes still queued
// it peeks again after each command and every 200 ms, and announces what
// is new behind them. (FIONREAD cannot say what arrived: on Linux it counts
// only up to an urgent mark still ahead, so it reads 0 behind one.) Its
// calls are untraced: the lab shows them as "<<" lines instead. One thing
// it changes, said when it happens: an error (a reset) its peek receives is
// reported by the stack only once.
import type { Socket, SocketError } from '../index';
import { untraced } from '../trace';
import { bytesText, errorText } from '../trace';

const LOOK_AGAIN_MS = 200;
const PEEK_SIZE = 65536;

export class ArrivalWatch {
  readonly #socket: Socket;
  readonly #print: (line: string) => void;
  readonly #busy: () => boolean;
  // Bytes already announced that the lab has not read yet (they lead the queue).
  #announced = 0;
  #peeking = false;
  #stopped = false;
  #timer: NodeJS.Timeout | null = null;

  constructor(socket: Socket, print: (line: string) => void, busy: () => boolean) {
    this.#socket = socket;
    this.#print = print;
    this.#busy = busy;
    this.check();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** The lab's recv took `count` bytes from the front of the queue. */
  consumed(count: number): void {
    this.#announced = Math.max(0, this.#announced - count);
  }

  /** Looks for what arrived (not while a command runs: the lab calls it after). */
  check(): void {
    const socket = this.#socket;
    if (this.#stopped || this.#peeking || this.#timer !== null || this.#busy()) return;
    if (socket.state !== 'connected' || !socket.readable) return;
    this.#peeking = true;
    let reading: Promise<Buffer>;
    try {
      // With nothing announced this waits for the next bytes; otherwise the
      // announced ones are there, and it returns at once with all that is.
      reading = untraced(() => socket.recv(this.#announced + PEEK_SIZE, { peek: true }));
    } catch {
      this.#peeking = false;
      return;
    }
    reading.then((data) => this.#peeked(data), (error: SocketError) => this.#failed(error));
  }

  #peeked(data: Buffer): void {
    this.#peeking = false;
    if (this.#stopped) return;
    if (data.length === 0) {
      this.#print('<< EOF: the peer has shut down its sending side (recv returns 0 bytes from now on)');
      this.stop();
      return;
    }
    if (data.length > this.#announced) {
      const fresh = data.subarray(this.#announced);
      this.#print(`<< ${fresh.length} byte${fresh.length === 1 ? '' : 's'} arrived: ${bytesText(fresh)}`);
    }
    // Less than announced: a recv took more than the watch knew of.
    this.#announced = data.length;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.check();
    }, LOOK_AGAIN_MS);
  }

  #failed(error: SocketError): void {
    this.#peeking = false;
    if (this.#stopped || error.code === 'ERR_SOCKET_CLOSED') return;
    this.#print(`<< ${errorText(error)}: the watch's recv(MSG_PEEK) received it; a later recv gets what the stack says next`);
    this.stop();
  }
}
