// The JS half of native/completions.h. An operation that does not complete
// inside its call returns a promise the addon made; when it completes from
// the loop, the addon records it, and once per batch of completions calls
// outcomes() to turn the records into values, which it then settles the
// promises with.

// Taken at load: a program that replaces Buffer.from later does not change what reads give.
const bufferFrom = Buffer.from;

// How a record settles (native/completions.h, Outcome).
const COUNT = 0;
const SLAB = 1;
const RECORD_FIELDS = 4;
// Records per batch: a batch of more completions is settled in parts.
const CAPACITY = 1024;

/** What lib/native/binding.ts hands the addon at init (CompletionRing::Attach). */
export const ring = {
  records: new Float64Array(CAPACITY * RECORD_FIELDS),
  /** Values a record names by index: chunks of their own, accepted sockets, errors. */
  values: [] as unknown[],
  outcomes,
  chunk,
  /** The slab small chunks lie in now (set by the addon when it makes one). */
  slab: undefined as ArrayBuffer | undefined,
};

// The value of each record in [from, to), all made before the addon settles
// any: a resolved value's `then` getter may run code that detaches the slab.
function outcomes(from: number, to: number): unknown[] {
  const { records, values } = ring;
  const made = new Array<unknown>(to - from);
  for (let i = from; i < to; i++) {
    const at = i * RECORD_FIELDS;
    const how = records[at + 1];
    if (how === COUNT) {
      made[i - from] = records[at + 2];
    } else if (how === SLAB) {
      made[i - from] = chunk(records[at + 2], records[at + 3]);
    } else {
      made[i - from] = values[records[at + 2]];
      values[records[at + 2]] = undefined;
    }
  }
  return made;
}

// A chunk of the slab settled by itself, when the records were full.
function chunk(offset: number, length: number): Buffer {
  return bufferFrom(ring.slab!, offset, length);
}

type Started = (this: object, a?: unknown, b?: unknown, c?: unknown, d?: unknown) => unknown;

/**
 * A native operation as lib/ calls it: a promise of its outcome, also when
 * it completed inside the call (the addon returns the outcome itself then,
 * and a promise of its own when it waits or failed at once).
 */
export function promised(start: Started): Started {
  return function started(this: object, a?: unknown, b?: unknown, c?: unknown, d?: unknown): unknown {
    return Promise.resolve(start.call(this, a, b, c, d));
  };
}
