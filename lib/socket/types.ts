// The words a socket's parts share: its family and type, and the options
// its calls take. Only types, so every part of lib/socket/ can name them
// without importing the Socket class.
import type { unread } from './reading';
import type { SocketState } from './state';

/** The address family: `inet` (AF_INET), `inet6` (AF_INET6), `unix` (AF_UNIX). */
export type Family = 'inet' | 'inet6' | 'unix';
/** The socket type: `stream` (SOCK_STREAM), `dgram` (SOCK_DGRAM), `raw` (SOCK_RAW). */
export type SocketType = 'stream' | 'dgram' | 'raw';

/** `family` also types the socket: a Socket<'inet'> reports `{ address, port }` addresses. */
export interface SocketOptions<F extends Family = Family> {
  /** The address family (default `inet`). */
  family?: F;
  /** The socket type (default `stream`). */
  type?: SocketType;
  /** The protocol number socket(2) / WSASocketW gets (default 0: the type's usual one). */
  protocol?: number;
}

/** How send() sends: the MSG_* flags of send(2) / Winsock `WSASend`. */
export interface SendOptions {
  /** MSG_OOB: send the last byte as urgent (out-of-band) data. */
  oob?: boolean;
  /** MSG_DONTROUTE: bypass routing, to a directly connected host only. */
  dontRoute?: boolean;
  /** Further MSG_* flags in the platform's numbers (`constants`), OR-ed in. */
  flags?: number;
  /** How a string argument becomes bytes (default `utf8`). */
  encoding?: BufferEncoding;
}

/** How recv() reads: the MSG_* flags of recv(2) / Winsock `WSARecv`. */
export interface RecvOptions {
  /** MSG_OOB: read the urgent (out-of-band) byte. */
  oob?: boolean;
  /** MSG_PEEK: look at the bytes without taking them. */
  peek?: boolean;
  /** MSG_WAITALL: resolve only when `size` bytes came (or EOF, or an error). */
  waitAll?: boolean;
  /** Further MSG_* flags in the platform's numbers (`constants`), OR-ed in. */
  flags?: number;
  /** Rejects the read with an AbortError when it fires first; no byte is lost. */
  signal?: AbortSignal;
}

/** TCP keep-alive times: TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT / Winsock `SIO_KEEPALIVE_VALS`. */
export interface KeepAliveOptions {
  /** Quiet time before the first probe, in milliseconds. */
  idleMs?: number;
  /** Time between probes, in milliseconds. */
  intervalMs?: number;
  /** Unanswered probes before the connection is dropped (not settable on Windows). */
  count?: number;
}

/** A socket given up by detach(), to be adopted elsewhere (a Worker). */
export interface TransferredSocket {
  /** The handle, for `new Socket(transferred)` once, in any thread. */
  transfer: ArrayBuffer;
  /** The family of the socket given up. */
  family: Family;
  /** The type of the socket given up. */
  type: SocketType;
  /** Its state when it was given up, which the adopting Socket takes on. */
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
