// The words a socket's parts share: its family and type, and the options
// its calls take. Only types, so every part of lib/socket/ can name them
// without importing the Socket class.
import type { unread } from './reading';
import type { SocketState } from './state';

export type Family = 'inet' | 'inet6' | 'unix';
export type SocketType = 'stream' | 'dgram' | 'raw';

/** `family` also types the socket: a Socket<'inet'> reports `{ address, port }` addresses. */
export interface SocketOptions<F extends Family = Family> {
  family?: F;
  type?: SocketType;
  protocol?: number;
}

export interface SendOptions {
  oob?: boolean;
  dontRoute?: boolean;
  flags?: number;
  encoding?: BufferEncoding;
}

export interface RecvOptions {
  oob?: boolean;
  peek?: boolean;
  waitAll?: boolean;
  flags?: number;
  signal?: AbortSignal;
}

export interface KeepAliveOptions {
  idleMs?: number;
  intervalMs?: number;
  count?: number;
}

/** A socket given up by detach(), to be adopted elsewhere (a Worker). */
export interface TransferredSocket {
  transfer: ArrayBuffer;
  family: Family;
  type: SocketType;
  state: SocketState;
}

/**
 * What the async iterator (chunks.ts) and the Duplex (duplex.ts) use of a
 * socket: they take this, not the Socket class, so that neither imports it.
 */
export interface StreamingSocket {
  readonly state: SocketState;
  readonly reading: boolean;
  startReading(onData: (chunk: Buffer) => void, onEnd?: (error?: Error) => void): unknown;
  stopReading(): unknown;
  send(data: Uint8Array): Promise<number>;
  shutdown(how: 'send'): unknown;
  close(): void;
  on(event: 'close', listener: () => void): unknown;
  off(event: 'close', listener: () => void): unknown;
  [unread](chunks: Buffer[]): void;
}
