// How the addon makes Buffers of small received chunks (native/chunks.h):
// it copies them into a shared ArrayBuffer, a slab, and each chunk is a
// view of it, as Buffer.allocUnsafe's pool is; one allocation per slab,
// not one per chunk.
import { markAsUntransferable } from 'node:worker_threads';

// Taken at load: a program that replaces Buffer.from later does not change what reads give.
const bufferFrom = Buffer.from;

/**
 * A slab of `size` bytes. Untransferable, as Node's own pool is: posting
 * one chunk's `.buffer` to a worker copies it instead of emptying every
 * other chunk that shares the slab.
 */
export function chunkSlab(size: number): ArrayBuffer {
  const slab = new ArrayBuffer(size);
  markAsUntransferable(slab);
  return slab;
}

/** A Buffer over `length` bytes of a slab from `offset`. */
export function chunkView(slab: ArrayBuffer, offset: number, length: number): Buffer {
  return bufferFrom(slab, offset, length);
}
