/**
 * Typed messages over a stream socket: one frame per message, reassembled
 * on the receiving side however the stream splits it.
 */
import { argTypeError, describe } from './errors';
import { FrameDecoder } from './frame';
import { Message, MessageRegistry } from './messages';

/** What these functions need of a socket: winsock's Socket, or anything shaped like it. */
export interface MessageSocket {
  /** Sends every byte; resolves with the count (as `Socket.send`). */
  send(data: Uint8Array): Promise<number>;
  /** Up to `size` bytes; an empty Buffer is EOF (as `Socket.recv`). */
  recv(size?: number): Promise<Buffer>;
}

/** What `messages()` takes. */
export interface MessagesOptions {
  /** The most bytes asked of each recv() (default 65536). */
  recvSize?: number;
}

function checkRegistry(registry: unknown): void {
  if (!(registry instanceof MessageRegistry)) throw argTypeError(`registry must be a MessageRegistry, not ${describe(registry)}`);
}

/**
 * Send one message as one frame: `sendMessage(socket, registry, instance)`
 * for an instance of a registered class, or `sendMessage(socket, registry, typeId, value)`.
 * Resolves with the number of bytes sent.
 */
export function sendMessage(socket: MessageSocket, registry: MessageRegistry, value: object): Promise<number>;
export function sendMessage(socket: MessageSocket, registry: MessageRegistry, typeId: number, value: unknown): Promise<number>;
export async function sendMessage(socket: MessageSocket, registry: MessageRegistry, ...args: unknown[]): Promise<number> {
  checkRegistry(registry);
  const frame = args.length >= 2
    ? registry.encode(args[0] as number, args[1])
    : registry.encode(args[0] as object);
  return socket.send(frame);
}

/**
 * The messages arriving on a stream socket, in order, until the peer's
 * orderly shutdown (recv resolving an empty Buffer).
 * @throws CodecError on a bad frame (ERR_FRAME_TOO_LARGE, ERR_UNKNOWN_TYPE, ...) or
 *   ERR_CODEC_SHORT when the stream ends in the middle of a frame
 */
export async function* messages(socket: MessageSocket, registry: MessageRegistry, options?: MessagesOptions): AsyncGenerator<Message, void, undefined> {
  checkRegistry(registry);
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw argTypeError(`options must be an object, not ${describe(options)}`);
  }
  const recvSize = options?.recvSize ?? 65536;
  if (typeof recvSize !== 'number' || !Number.isInteger(recvSize) || recvSize < 1 || recvSize > 0x7fffffff) {
    throw argTypeError(`options.recvSize must be an integer from 1 to 2147483647, not ${describe(recvSize)}`);
  }
  const decoder = new FrameDecoder({ maxFrameSize: registry.maxFrameSize });
  for (;;) {
    const chunk = await socket.recv(recvSize);
    if (!(chunk instanceof Uint8Array)) throw argTypeError('recv() resolved with something other than bytes');
    if (chunk.length === 0) {
      decoder.end();
      return;
    }
    for (const frame of decoder.push(chunk)) yield registry.decode(frame);
    // A bad header after good frames in the same chunk: fail now rather than wait for more data.
    if (decoder.error !== undefined) throw decoder.error;
  }
}
