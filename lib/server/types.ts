// What the pools (worker-pool.ts, process-pool.ts) and the server share:
// the events a pool reports, and the part of the Server a pool calls. The
// pools take a PoolHost, not the Server class, so neither imports server.ts.
import type { Socket } from '../socket';

/** What 'childExit' reports about a child process that ended on its own. */
export interface ChildExit {
  /** The child's process id. */
  pid: number;
  /** Its exit code, or null when a signal ended it. */
  exitCode: number | null;
  /** The signal that ended it, or null when it exited. */
  signal: NodeJS.Signals | null;
  /** Whether a fresh child took its place. */
  restarted: boolean;
}

/** What 'workerExit' reports about a worker thread that ended on its own. */
export interface WorkerExit {
  /** The worker's thread id. */
  threadId: number;
  /** Its exit code. */
  exitCode: number;
  /** The error that ended it, when one did. */
  error?: Error;
  /** Whether a fresh worker took its place. */
  restarted: boolean;
}

/** What a pool calls on the server that owns it (server.ts implements it). */
export interface PoolHost {
  /** A handler failed in a worker or child; `socket` is null when it lived in a child. */
  connectionFailed(error: unknown, socket: Socket | null, closedBefore?: boolean): void;
  /** A connection ended in a worker or child. */
  connectionEnded(): void;
  /** No worker or child was left to take a connection. */
  connectionRejected(): void;
  emit(event: 'workerExit', exit: WorkerExit): boolean;
  emit(event: 'childExit', exit: ChildExit): boolean;
}
