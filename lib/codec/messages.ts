/**
 * Typed messages: a registry of message types by 16-bit id, each encoded as
 * one frame (see frame.ts) whose payload is the type's encoding.
 */
import { types } from 'node:util';

import { CodecError, argTypeError, bytesArgument, describe, rangeError, shortError } from './errors';
import { FRAME_HEADER_SIZE, FrameDecoderOptions, frameTooLarge, maxFrameSizeOption } from './frame';

/** Anything that turns a value into bytes and back: a record, or a hand-written codec. */
export interface MessageType<T = unknown> {
  /** The value's bytes: the frame's payload. */
  encode(value: T): Uint8Array;
  /** The value back from a frame's payload. */
  decode(payload: Uint8Array): T;
}

/** A decoded message. */
export interface Message<T = unknown> {
  /** The frame's type id, as registered. */
  typeId: number;
  /** The decoded payload (an instance of the registered class, if one was given). */
  value: T;
}

// A record encodes straight into the frame; any other type through a copy.
interface DirectType {
  size: number;
  encodeInto(value: unknown, target: Uint8Array, offset: number): number;
}

interface Registration {
  typeId: number;
  type: MessageType;
  cls: Function | undefined;
  direct: DirectType | undefined;
}

function isDirect(type: object): type is DirectType {
  const candidate = type as Partial<DirectType>;
  return typeof candidate.encodeInto === 'function' && typeof candidate.size === 'number' && Number.isSafeInteger(candidate.size);
}

/**
 * The message types of a protocol, each under a type id (and optionally a
 * class): what `sendMessage` encodes with and `messages` decodes with. Each
 * message is one frame: a uint32 big-endian payload length, a uint16
 * big-endian type id, then the payload.
 */
export class MessageRegistry {
  /** The largest payload encode produces and decode accepts. */
  readonly maxFrameSize: number;
  readonly #byId = new Map<number, Registration>();
  readonly #byClass = new Map<Function, Registration>();

  /** @param options.maxFrameSize the payload limit (default 16 MiB), shared with the FrameDecoder messages() uses. */
  constructor(options?: FrameDecoderOptions) {
    this.maxFrameSize = maxFrameSizeOption(options);
  }

  /**
   * Register a message type under `typeId` (0 to 65535). With `cls`,
   * `encode(instance)` finds the id from the instance's class (or nearest
   * registered superclass), and `decode` returns instances of `cls`: built with
   * `Object.create(cls.prototype)` and the decoded fields assigned, so the
   * constructor is not called and needs no arguments.
   * @throws CodecError ERR_CODEC_RANGE for a bad id, ERR_DUPLICATE_TYPE for an id or class already registered
   */
  register(typeId: number, type: MessageType<any>, cls?: Function): this {
    if (!Number.isInteger(typeId) || typeId < 0 || typeId > 0xffff) {
      throw rangeError(`a message type id must be an integer from 0 to 65535, not ${describe(typeId)}`);
    }
    if (typeof type !== 'object' || type === null || typeof type.encode !== 'function' || typeof type.decode !== 'function') {
      throw argTypeError('a message type must be a record or an object with encode() and decode()');
    }
    if (cls !== undefined && typeof cls !== 'function') throw argTypeError('cls must be a class');
    if (this.#byId.has(typeId)) throw new CodecError('ERR_DUPLICATE_TYPE', `message type id ${typeId} is already registered`);
    if (cls !== undefined && this.#byClass.has(cls)) {
      throw new CodecError('ERR_DUPLICATE_TYPE', `class ${cls.name || '(anonymous)'} is already registered as type ${this.#byClass.get(cls)!.typeId}`);
    }
    const registration: Registration = { typeId, type, cls, direct: isDirect(type) ? type : undefined };
    this.#byId.set(typeId, registration);
    if (cls !== undefined) this.#byClass.set(cls, registration);
    return this;
  }

  /** Whether `typeId` is registered. */
  has(typeId: number): boolean {
    return this.#byId.has(typeId);
  }

  /**
   * Encode one message as a whole frame.
   * @throws CodecError ERR_UNKNOWN_TYPE, ERR_FRAME_TOO_LARGE, or what the type's encode throws
   */
  encode(typeId: number, value: unknown): Buffer;
  /** Encode an instance of a registered class as a whole frame. */
  encode(value: object): Buffer;
  encode(...args: unknown[]): Buffer {
    let registration: Registration;
    let value: unknown;
    if (args.length >= 2) {
      registration = this.#lookupId(args[0]);
      value = args[1];
    } else {
      value = args[0];
      registration = this.#lookupClass(value);
    }
    const { direct } = registration;
    if (direct !== undefined) {
      if (direct.size > this.maxFrameSize) throw frameTooLarge(direct.size, this.maxFrameSize);
      const frame = Buffer.allocUnsafe(FRAME_HEADER_SIZE + direct.size);
      direct.encodeInto(value, frame, FRAME_HEADER_SIZE);
      return this.#header(frame, direct.size, registration.typeId);
    }
    const payload = registration.type.encode(value);
    if (!types.isUint8Array(payload)) throw argTypeError(`message type ${registration.typeId}: encode() must return a Uint8Array`);
    if (payload.length > this.maxFrameSize) throw frameTooLarge(payload.length, this.maxFrameSize);
    const frame = Buffer.allocUnsafe(FRAME_HEADER_SIZE + payload.length);
    frame.set(payload, FRAME_HEADER_SIZE);
    return this.#header(frame, payload.length, registration.typeId);
  }

  /**
   * Decode one whole frame (as FrameDecoder returns them).
   * @throws CodecError ERR_CODEC_SHORT when the frame is cut short or has bytes after its payload,
   *   ERR_FRAME_TOO_LARGE, ERR_UNKNOWN_TYPE, or what the type's decode throws
   */
  decode(frame: Uint8Array): Message {
    bytesArgument(frame, 'frame');
    if (frame.length < FRAME_HEADER_SIZE) throw shortError(`a frame needs a ${FRAME_HEADER_SIZE}-byte header; got ${frame.length} bytes`);
    const length = ((frame[0] << 24) >>> 0) + (frame[1] << 16) + (frame[2] << 8) + frame[3];
    const typeId = (frame[4] << 8) | frame[5];
    if (length > this.maxFrameSize) throw frameTooLarge(length, this.maxFrameSize);
    if (frame.length !== FRAME_HEADER_SIZE + length) {
      throw shortError(`the frame header says ${length} payload bytes; the frame has ${frame.length - FRAME_HEADER_SIZE}`);
    }
    const registration = this.#byId.get(typeId);
    if (registration === undefined) throw new CodecError('ERR_UNKNOWN_TYPE', `message type id ${typeId} is not registered`);
    const decoded = registration.type.decode(frame.subarray(FRAME_HEADER_SIZE));
    const { cls } = registration;
    if (cls === undefined) return { typeId, value: decoded };
    const instance = Object.create(cls.prototype as object) as object;
    return { typeId, value: Object.assign(instance, decoded) };
  }

  #header(frame: Buffer, length: number, typeId: number): Buffer {
    frame.writeUInt32BE(length, 0);
    frame.writeUInt16BE(typeId, 4);
    return frame;
  }

  #lookupId(typeId: unknown): Registration {
    const registration = typeof typeId === 'number' ? this.#byId.get(typeId) : undefined;
    if (registration === undefined) throw new CodecError('ERR_UNKNOWN_TYPE', `message type id ${describe(typeId)} is not registered`);
    return registration;
  }

  #lookupClass(value: unknown): Registration {
    if (typeof value !== 'object' || value === null) {
      throw new CodecError('ERR_UNKNOWN_TYPE', 'encode(value) needs an instance of a registered class; pass encode(typeId, value) otherwise');
    }
    // The instance's own class first, then its superclasses.
    for (let proto = Object.getPrototypeOf(value); proto !== null; proto = Object.getPrototypeOf(proto)) {
      const registration = this.#byClass.get(proto.constructor);
      if (registration !== undefined && registration.cls!.prototype === proto) return registration;
    }
    const name = (value as object).constructor?.name ?? 'Object';
    throw new CodecError('ERR_UNKNOWN_TYPE', `no message type is registered for class ${name}`);
  }
}
