// The error classes of the public contract. The addon makes SocketError and
// AbortError itself (native/error.cc, the one egress); the façade throws
// SocketStateError and the argument errors before any system call.
import { describe } from './values';

export interface SocketErrorFields {
  code: string;
  errno: number;
  syscall: string;
  wsaName?: string;
  address?: string;
  port?: number;
  detail?: string;
}

/** A failed system call: `code` is portable, `errno` the raw platform number. */
export class SocketError extends Error {
  /** The portable code, the name Node gives the errno on this platform (`'ECONNREFUSED'`), or a package code (`'ERR_SOCKET_CLOSED'`); the number as text when the code has no name. */
  code: string;
  /** The raw platform number: an errno on POSIX (111), a WSA code on Windows (10061). */
  errno: number;
  /** The system call that failed: `'connect'`, `'ConnectEx'`, `'WSARecv'`... */
  syscall: string;
  /** On Windows, the WSA name of the code (`'WSAECONNREFUSED'`). */
  wsaName?: string;
  /** The address of the call, where it had one. */
  address?: string;
  /** The port of the call, where it had one. */
  port?: number;
  /** The platform's own message (strerror / FormatMessage). */
  detail?: string;

  constructor(message: string, fields: SocketErrorFields) {
    super(message);
    this.name = 'SocketError';
    this.code = fields.code;
    this.errno = fields.errno;
    this.syscall = fields.syscall;
    if (fields.wsaName !== undefined) this.wsaName = fields.wsaName;
    if (fields.address !== undefined) this.address = fields.address;
    if (fields.port !== undefined) this.port = fields.port;
    if (fields.detail !== undefined) this.detail = fields.detail;
  }
}

/** An operation stopped by its AbortSignal, as Node's own AbortError. */
export class AbortError extends Error {
  /** Always `'ABORT_ERR'`, as Node's own AbortError. */
  readonly code = 'ABORT_ERR' as const;
  /** The call that was pending when the signal fired, where there was one. */
  syscall?: string;
  constructor(message = 'The operation was aborted', fields: { syscall?: string; cause?: unknown } = {}) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = 'AbortError';
    if (fields.syscall !== undefined) this.syscall = fields.syscall;
  }
}

/** The codes of a UsageError. */
export type UsageErrorCode =
  | 'ERR_SOCKET_READING'                   // recv() or startReading() while startReading() is active
  | 'ERR_SOCKET_HANDLE_USED'               // a detach() handle adopted a second time
  | 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM'  // an option whose level this build lacks
  | 'ERR_SERVER_ALREADY_LISTEN'            // listen() on a server that listens (or did)
  | 'ERR_SERVER_NOT_RUNNING'               // a server closed while it was starting
  | 'ERR_WORKER_INIT_FAILED'               // a server worker that exited before it was ready
  | 'ERR_REAPER_CLOSED'                    // add() to a closed IdleReaper
  | 'ERR_CHILD_EXITED'                     // a server child process that died before it was ready, or a handover channel whose peer left

/**
 * A call the package refuses that is neither a bad argument (TypeError,
 * RangeError) nor one the socket's state forbids (SocketStateError) nor a
 * failed system call (SocketError): `code` says which.
 */
export class UsageError extends Error {
  /** Which refusal: one of {@link UsageErrorCode}. */
  readonly code: UsageErrorCode;
  constructor(message: string, code: UsageErrorCode) {
    super(message);
    this.name = 'UsageError';
    this.code = code;
  }
}


export function invalidArgType(name: string, expected: string, actual: unknown): TypeError {
  const error = new TypeError(`The "${name}" argument must be ${expected}. Received ${describe(actual)}`);
  (error as TypeError & { code: string }).code = 'ERR_INVALID_ARG_TYPE';
  return error;
}

export function outOfRange(name: string, range: string, actual: unknown): RangeError {
  const error = new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${describe(actual)}`);
  (error as RangeError & { code: string }).code = 'ERR_OUT_OF_RANGE';
  return error;
}

export function invalidArgValue(name: string, actual: unknown, reason: string): TypeError {
  const error = new TypeError(`The argument '${name}' ${reason}. Received ${describe(actual)}`);
  (error as TypeError & { code: string }).code = 'ERR_INVALID_ARG_VALUE';
  return error;
}

/** An options argument: undefined gives the defaults; anything but an object is refused. */
export function optionsObject<T extends object>(name: string, value: T | undefined | null): Partial<T> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object') throw invalidArgType(name, 'of type object', value);
  return value;
}

export { errorText } from './text';
export { describe, isDetached, isDetachedView } from './values';
