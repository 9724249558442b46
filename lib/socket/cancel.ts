// Operations an AbortSignal (or connect's timeout) may cancel: each gets an
// id the addon knows it by, and the signal's 'abort' cancels that one.
import { AbortError } from '../errors';
import type { NativeSocket } from '../native';

let lastCancelId = 0;

/** A fresh id for one pending operation (1 to 2^31 - 1, then around again). */
export function nextCancelId(): number {
  lastCancelId = lastCancelId >= 0x7fffffff ? 1 : lastCancelId + 1;
  return lastCancelId;
}

/** Runs `start(id)`, a native operation that `signal` may cancel. */
export function cancellable<T>(native: NativeSocket, signal: AbortSignal | undefined,
  start: (id: number) => Promise<T>, givenId?: number): Promise<T> {
  if (signal === undefined) return start(givenId ?? 0);
  if (signal.aborted) return Promise.reject(new AbortError(undefined, { cause: signal.reason }));
  const id = givenId ?? nextCancelId();
  const onAbort = () => native.cancel(id);
  signal.addEventListener('abort', onAbort, { once: true });
  const started = start(id);
  return started.finally(() => signal.removeEventListener('abort', onAbort));
}
