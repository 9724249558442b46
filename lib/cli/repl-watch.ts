// The REPL's watch for arriving data: it announces bytes as they arrive
// without taking them, so that the lab's own recv still reads them. With
// nothing queued it waits in recv(1, MSG_PEEK), which also sees the peer's
// EOF; with bytes queued it looks again (FIONREAD, then a peek) after each
// command and every 200 ms. Its calls are untraced: the lab shows them as
// "<<" lines instead. One difference it makes, said when it happens: an
// error (a reset) that its peek receives is reported by the stack once.
import type { Socket, SocketError } from '../index';
import { untraced } from '../trace';
import { bytesText, errorText } from '../trace-format';

const LOOK_AGAIN_MS = 200;

export class ArrivalWatch {
  readonly #socket: Socket;
  readonly #print: (line: string) => void;
  readonly #busy: () => boolean;
  // Bytes already announced that the lab has not read yet (they lead the queue).
  #announced = 0;
  #waiting = false;
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
  }

  /** The lab's recv took `count` bytes from the front of the queue. */
  consumed(count: number): void {
    this.#announced = Math.max(0, this.#announced - count);
  }

  /** Looks for what arrived since the last look (not while a command runs: it looks after). */
  check(): void {
    const socket = this.#socket;
    if (this.#stopped || this.#waiting || this.#busy()) return;
    if (socket.state !== 'connected' || !socket.readable) return;
    let available: number;
    try {
      available = untraced(() => socket.bytesAvailable());
    } catch {
      return;
    }
    if (available > this.#announced) {
      this.#peek(available);
    } else if (available > 0) {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.check();
      }, LOOK_AGAIN_MS);
    } else {
      this.#wake();
    }
  }

  // Nothing queued: a recv(1, MSG_PEEK) that completes when bytes (or the
  // peer's EOF, or an error) arrive; then a look at all that is there.
  #wake(): void {
    this.#waiting = true;
    let reading: Promise<Buffer>;
    try {
      reading = untraced(() => this.#socket.recv(1, { peek: true }));
    } catch {
      this.#waiting = false;
      return;
    }
    reading.then((data) => {
      this.#waiting = false;
      if (this.#stopped) return;
      if (data.length === 0) {
        this.#print('<< EOF: the peer has shut down its sending side (recv returns 0 bytes from now on)');
        this.stop();
        return;
      }
      this.check();
    }, (error: SocketError) => this.#failed(error));
  }

  #failed(error: SocketError): void {
    this.#waiting = false;
    if (this.#stopped || error.code === 'ERR_SOCKET_CLOSED') return;
    this.#print(`<< ${errorText(error)}: the watch's recv(MSG_PEEK) received it; a later recv gets what the stack says next`);
    this.stop();
  }

  // Bytes are queued beyond those announced: peek at them all, announce the new ones.
  #peek(size: number): void {
    this.#waiting = true;
    let reading: Promise<Buffer>;
    try {
      reading = untraced(() => this.#socket.recv(size, { peek: true }));
    } catch {
      this.#waiting = false;
      return;
    }
    reading.then((data) => {
      this.#waiting = false;
      if (this.#stopped) return;
      if (data.length > this.#announced) {
        const fresh = data.subarray(this.#announced);
        this.#print(`<< ${fresh.length} byte${fresh.length === 1 ? '' : 's'} arrived: ${bytesText(fresh)}`);
        this.#announced = data.length;
      }
      this.check();
    }, (error: SocketError) => this.#failed(error));
  }
}
