// The JS half of native/completions.h: the promises of native operations,
// made here and settled in batches. Each operation is started under a slot;
// one that does not complete inside its call returns `pending`, and its
// promise is settled later by settle(), which the addon calls once per
// batch of completions with the records it wrote into `records`.

// Taken at load: a program that replaces Buffer.from later does not change what reads give.
const bufferFrom = Buffer.from;

// How a record settles (native/completions.h, Outcome).
const COUNT = 0;
const SLAB = 1;
const VALUE = 2;
const FAILURE = 3;
const RECORD_FIELDS = 4;
// Records per flush: a batch of more completions is settled in parts.
const CAPACITY = 1024;

type Resolve = (value: unknown) => void;
type Reject = (error: unknown) => void;

const resolvers: (Resolve | undefined)[] = [];
const rejecters: (Reject | undefined)[] = [];
const freeSlots: number[] = [];
// Buffers of the records of one settle() call, made before any is resolved:
// a resolved value's `then` getter may run code that detaches the slab.
const views: (Buffer | undefined)[] = [];

/** What lib/native/binding.ts hands the addon at init (CompletionRing::Attach). */
export const ring = {
  records: new Float64Array(CAPACITY * RECORD_FIELDS),
  /** Values a record names by index: chunks of their own, accepted sockets, errors. */
  values: [] as unknown[],
  settle,
  settleOne,
  pending: Symbol('pending'),
  /** The slab small chunks lie in now (set by the addon when it makes one). */
  slab: undefined as ArrayBuffer | undefined,
};

let promisedSlot = 0;
function promised(resolve: Resolve, reject: Reject): void {
  resolvers[promisedSlot] = resolve;
  rejecters[promisedSlot] = reject;
}

function claim(): number {
  if (freeSlots.length > 0) return freeSlots.pop()!;
  rejecters.push(undefined);
  return resolvers.push(undefined) - 1;
}

function settleRecord(slot: number, how: number, first: number, view: Buffer | undefined): void {
  const resolve = resolvers[slot];
  const reject = rejecters[slot];
  if (resolve === undefined || reject === undefined) return;
  resolvers[slot] = undefined;
  rejecters[slot] = undefined;
  freeSlots.push(slot);
  if (how === COUNT) {
    resolve(first);
  } else if (how === SLAB) {
    resolve(view);
  } else {
    const value = ring.values[first];
    ring.values[first] = undefined;
    if (how === VALUE) resolve(value);
    else reject(value);
  }
}

function settle(from: number, to: number): void {
  const { records } = ring;
  for (let i = from; i < to; i++) {
    const at = i * RECORD_FIELDS;
    if (records[at + 1] === SLAB) views[i - from] = bufferFrom(ring.slab!, records[at + 2], records[at + 3]);
  }
  for (let i = from; i < to; i++) {
    const at = i * RECORD_FIELDS;
    const view = views[i - from];
    views[i - from] = undefined;
    settleRecord(records[at], records[at + 1], records[at + 2], view);
  }
}

// A completion that found the records full while settle() ran.
function settleOne(slot: number, how: number, first: number, second: number): void {
  settleRecord(slot, how, first, how === SLAB ? bufferFrom(ring.slab!, first, second) : undefined);
}

type Started = (this: object, a?: unknown, b?: unknown, c?: unknown, d?: unknown, slot?: number) => unknown;

/**
 * A native operation as lib/ calls it: a promise of its outcome. With
 * `counted` (send, sendTo), the count itself when it completed inside the
 * call, which spares write() a promise. A failure found inside the call
 * comes as a rejected promise the addon made; a bad argument throws.
 */
export function operation(start: Started, counted: boolean): Started {
  return function started(this: object, a?: unknown, b?: unknown, c?: unknown, d?: unknown): unknown {
    const slot = claim();
    let result: unknown;
    try {
      // The slot goes fifth, after the method's own arguments (kSlotArgument).
      result = start.call(this, a, b, c, d, slot);
    } catch (error) {
      freeSlots.push(slot);
      throw error;
    }
    if (result !== ring.pending) {
      freeSlots.push(slot);
      return counted ? result : Promise.resolve(result);
    }
    promisedSlot = slot;
    return new Promise(promised);
  };
}
