// The sendTo() calls of one JS turn, sent together: sendmmsg(2) through the
// addon's sendToMany (native/posix/batch.cc). The first sendTo() of a turn
// goes out at once, as a lone sendto(2); those made after it in the same
// turn are copied here (the caller may reuse or transfer its buffer at once,
// as with a lone send) and sent at the turn's end, in the order they were
// made. Whatever the batch cannot send (an error, a full send buffer, an
// address the addon cannot read) goes by sendTo() of its own, which reports
// that datagram's outcome exactly as a lone call does: a batch only saves
// system calls, never changes a result.
//
// At most 32 datagrams go per turn of the loop, as the addon completes at
// most 32 lone operations of a socket in a row before the loop turns: the
// rest wait for the next turn (setImmediate), so a sender that floods lets
// the loop run, and a receiver in the same process reads as fast as the
// sender sends. Until the batch is empty every sendTo() joins it, so the
// datagrams go, and their promises settle, in the order of the calls.
import type { NativeAddress, NativeSocket } from '../native';

/** Datagrams up to this size are batched; a larger one goes on its own. */
export const BATCHED_SIZE_LIMIT = 2048;
// Datagrams sent per turn of the loop (the addon's kInlineStreak and
// kPerEvent for lone operations), and the room a batch starts with.
const SENT_PER_TURN = 32;
const INITIAL_BYTES = 16 * 1024;
const INITIAL_DATAGRAMS = 256;

type Peer = NativeAddress | string;

function samePeer(a: Peer, b: Peer): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.address === b.address && a.port === b.port && a.flowinfo === b.flowinfo && a.scopeId === b.scopeId;
}

/** The datagrams waiting to be sent, on one socket. */
export class DatagramBatch {
  readonly #native: NativeSocket;
  #bytes = Buffer.allocUnsafeSlow(INITIAL_BYTES);
  // Per datagram: offset in #bytes, length, index in #peers.
  #spans = new Int32Array(3 * INITIAL_DATAGRAMS);
  readonly #peers: Peer[] = [];
  readonly #resolve: ((sent: number | Promise<number>) => void)[] = [];
  readonly #reject: ((error: unknown) => void)[] = [];
  // Datagrams [#head, #count) wait; #used bytes of #bytes hold them.
  #head = 0;
  #count = 0;
  #used = 0;
  // Datagrams sent in this turn of the loop; the turn's end is scheduled.
  #sentThisTurn = 0;
  #turnScheduled = false;
  /** The addon said this socket's datagrams must go one by one (-1). */
  oneByOne = false;

  constructor(native: NativeSocket) {
    this.#native = native;
  }

  /** Datagrams wait: a sendTo() now must join them, to keep the order. */
  get pending(): boolean {
    return this.#head < this.#count;
  }

  /** Queues a copy of `data` for `peer`: a promise of the count sent. */
  add(data: Uint8Array, peer: Peer): Promise<number> {
    this.#makeRoom(data.length);
    const at = this.#count++;
    const offset = this.#used;
    this.#bytes.set(data, offset);
    this.#used += data.length;
    const peers = this.#peers;
    const last = peers.length - 1;
    let index = last;
    if (last < 0 || !samePeer(peers[last], peer)) index = peers.push(peer) - 1;
    this.#spans[3 * at] = offset;
    this.#spans[3 * at + 1] = data.length;
    this.#spans[3 * at + 2] = index;
    return new Promise<number>((resolve, reject) => {
      this.#resolve[at] = resolve;
      this.#reject[at] = reject;
    });
  }

  /**
   * Sends what waits, in order, up to this turn's share (`all`: everything,
   * before another call on the socket or its close). Each promise settles
   * when its datagram went (or follows a lone send's).
   */
  flush(all = false): void {
    const count = this.#count;
    const spans = this.#spans;
    const resolve = this.#resolve;
    const reject = this.#reject;
    let at = this.#head;
    let alone = this.oneByOne;
    while (at < count) {
      const share = all ? count - at : SENT_PER_TURN - this.#sentThisTurn;
      if (share <= 0) break;
      const end = Math.min(count, at + share);
      let sent = 0;
      if (!alone) {
        try {
          sent = this.#native.sendToMany(this.#bytes, spans, this.#peers, at, end);
        } catch {
          sent = -1;  // each then goes alone, and says why it fails
        }
        if (sent < 0) {
          this.oneByOne = alone = true;
          sent = 0;
        }
        for (let i = at; i < at + sent; i++) resolve[i](spans[3 * i + 1]);
      }
      if (sent === 0) {
        // Datagram `at` alone: sendTo() reports its outcome, or queues it
        // behind a send that waits, and every later one then queues too.
        const offset = spans[3 * at];
        try {
          const lone = this.#native.sendTo(this.#bytes.subarray(offset, offset + spans[3 * at + 1]),
            this.#peers[spans[3 * at + 2]], 0);
          if (typeof lone !== 'number') alone = true;
          resolve[at](lone);
        } catch (error) {
          reject[at](error);
        }
        sent = 1;
      }
      at += sent;
      this.#sentThisTurn += sent;
    }
    this.#head = at;
    if (at === count) this.#empty();
    if (this.#sentThisTurn > 0 && !this.#turnScheduled) {
      this.#turnScheduled = true;
      setImmediate(() => this.#turned());
    }
  }

  // The loop turned: this turn's share is new, and what waits may go.
  #turned(): void {
    this.#turnScheduled = false;
    this.#sentThisTurn = 0;
    this.flush();
  }

  #empty(): void {
    this.#head = this.#count = this.#used = 0;
    this.#peers.length = 0;
    this.#resolve.length = 0;
    this.#reject.length = 0;
  }

  // Room for one more datagram of `length` bytes: what was sent is dropped
  // from the front, and the buffers grow when a backlog fills them.
  #makeRoom(length: number): void {
    if (this.#used + length <= this.#bytes.length && 3 * (this.#count + 1) <= this.#spans.length) return;
    const head = this.#head;
    const waiting = this.#count - head;
    const start = waiting > 0 ? this.#spans[3 * head] : this.#used;
    const kept = this.#used - start;
    const bytes = kept + length > this.#bytes.length ? Buffer.allocUnsafeSlow(2 * (kept + length)) : this.#bytes;
    bytes.set(this.#bytes.subarray(start, this.#used), 0);
    const spans = 3 * (waiting + 1) > this.#spans.length ? new Int32Array(6 * (waiting + 1)) : this.#spans;
    for (let i = 0; i < waiting; i++) {
      spans[3 * i] = this.#spans[3 * (head + i)] - start;
      spans[3 * i + 1] = this.#spans[3 * (head + i) + 1];
      spans[3 * i + 2] = this.#spans[3 * (head + i) + 2];
    }
    this.#resolve.splice(0, head);
    this.#reject.splice(0, head);
    this.#bytes = bytes;
    this.#spans = spans;
    this.#head = 0;
    this.#count = waiting;
    this.#used = kept;
  }
}
