// The errors the Socket itself makes (the addon makes the system's).
import { binding } from '../native';
import { SocketError, UsageError } from '../errors';
import type { NativeAddress } from '../native';

/** A read call while continuous reading owns the stream. */
export function readingError(operation: string): UsageError {
  return new UsageError(`cannot ${operation}() while startReading() is active; stopReading() first`, 'ERR_SOCKET_READING');
}

/** connect()'s own timeout, reported as the system's ETIMEDOUT would be. */
export function timedOutError(target: NativeAddress | string): SocketError {
  const where = typeof target === 'string' ? target : `${target.address}:${target.port}`;
  return new SocketError(`connect ETIMEDOUT ${where}`, {
    code: 'ETIMEDOUT',
    errno: binding.ETIMEDOUT,
    syscall: 'connect',
    ...(typeof target === 'string' ? { address: target } : { address: target.address, port: target.port }),
  });
}
