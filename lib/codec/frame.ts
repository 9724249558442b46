/**
 * Message framing: a frame is a uint32 big-endian payload length, a uint16
 * big-endian type id, then the payload. FrameDecoder cuts a byte stream that
 * arrives in arbitrary chunks back into whole frames.
 */
import { constants as bufferConstants } from 'node:buffer';

import { CodecError, argTypeError, bytesArgument, describe, shortError } from './errors';

/** Bytes before the payload: the length (4) and the type id (2). */
export const FRAME_HEADER_SIZE = 6;
/** The default limit on a frame's payload length: 16 MiB. */
export const DEFAULT_MAX_FRAME_SIZE = 16 * 1024 * 1024;
/** The largest payload length the 32-bit length field can state. */
export const MAX_PAYLOAD_LENGTH = 0xffffffff;

/** What a `FrameDecoder` (and a `MessageRegistry`) takes. */
export interface FrameDecoderOptions {
  /** The largest payload length accepted, in bytes (default 16 MiB). A larger one fails as soon as its header arrives. */
  maxFrameSize?: number;
}

/** Check a maxFrameSize option and return it or the default. */
export function maxFrameSizeOption(options: FrameDecoderOptions | undefined): number {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw argTypeError(`options must be an object, not ${describe(options)}`);
  }
  const max = options?.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
  if (typeof max !== 'number' || !Number.isSafeInteger(max) || max < 0 || max > MAX_PAYLOAD_LENGTH) {
    throw argTypeError(`maxFrameSize must be an integer from 0 to ${MAX_PAYLOAD_LENGTH}, not ${describe(max)}`);
  }
  return max;
}

export function frameTooLarge(length: number, max: number): CodecError {
  return new CodecError('ERR_FRAME_TOO_LARGE', `a frame of ${length} payload bytes exceeds the limit of ${max}`);
}

/**
 * Reassembles frames from a stream. Memory stays bounded and follows what
 * arrived: between calls it holds at most one incomplete frame's bytes so
 * far (never its announced size: a 6-byte header stating 4 GB costs 6
 * bytes), and it refuses an oversized frame from its header alone.
 */
export class FrameDecoder {
  /** The largest payload length accepted, in bytes. */
  readonly maxFrameSize: number;
  // The header being received, before its frame's size is known.
  readonly #header = Buffer.alloc(FRAME_HEADER_SIZE);
  #headerFilled = 0;
  // The frame being received: its whole size (header included, 0 between
  // frames) and the copies of its bytes so far.
  #frameLength = 0;
  #parts: Buffer[] = [];
  #frameFilled = 0;
  #failure: CodecError | undefined;

  constructor(options?: FrameDecoderOptions) {
    this.maxFrameSize = maxFrameSizeOption(options);
  }

  /** The error that ended this stream's framing (a deferred ERR_FRAME_TOO_LARGE), if any. */
  get error(): CodecError | undefined {
    return this.#failure;
  }

  /** Bytes received that do not yet make a whole frame. */
  get pending(): number {
    return this.#frameLength === 0 ? this.#headerFilled : this.#frameFilled;
  }

  /**
   * Add received bytes; returns the frames they complete, each a new Buffer
   * holding the whole frame (header included), ready for MessageRegistry.decode.
   * @throws CodecError ERR_FRAME_TOO_LARGE when a header states a payload over maxFrameSize
   *   (or over what a Buffer can hold; when earlier frames in the same chunk were complete,
   *   they are returned first and the error is thrown by the next call). The decoder is
   *   unusable after that: the stream has lost its framing.
   */
  push(chunk: Uint8Array): Buffer[] {
    if (this.#failure !== undefined) throw this.#failure;
    bytesArgument(chunk, 'chunk');
    const frames: Buffer[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.#frameLength === 0) {
        const n = Math.min(FRAME_HEADER_SIZE - this.#headerFilled, chunk.length - at);
        this.#header.set(chunk.subarray(at, at + n), this.#headerFilled);
        this.#headerFilled += n;
        at += n;
        if (this.#headerFilled < FRAME_HEADER_SIZE) break;
        const length = this.#header.readUInt32BE(0);
        const limit = Math.min(this.maxFrameSize, bufferConstants.MAX_LENGTH - FRAME_HEADER_SIZE);
        if (length > limit) {
          this.#failure = frameTooLarge(length, limit);
          this.#headerFilled = 0;
          if (frames.length === 0) throw this.#failure;
          return frames;
        }
        this.#frameLength = FRAME_HEADER_SIZE + length;
        this.#parts = [Buffer.from(this.#header)];
        this.#frameFilled = FRAME_HEADER_SIZE;
        this.#headerFilled = 0;
      }
      // A frame with an empty payload completes here with n = 0, even at the end of the chunk.
      const n = Math.min(this.#frameLength - this.#frameFilled, chunk.length - at);
      // Copied: the caller may reuse the chunk's memory.
      this.#parts.push(Buffer.from(chunk.subarray(at, at + n)));
      this.#frameFilled += n;
      at += n;
      if (this.#frameFilled === this.#frameLength) {
        frames.push(Buffer.concat(this.#parts, this.#frameLength));
        this.#parts = [];
        this.#frameLength = 0;
        this.#frameFilled = 0;
      }
    }
    return frames;
  }

  /**
   * Declare the end of the stream.
   * @throws CodecError ERR_CODEC_SHORT when it ended inside a frame, or the error push deferred
   */
  end(): void {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.pending > 0) {
      const inside = this.#frameLength !== 0 ? `a ${this.#frameLength}-byte frame` : 'a frame header';
      throw shortError(`the stream ended after ${this.pending} bytes of ${inside}`);
    }
  }
}
