// What both kinds of server helpers share (worker threads: server-worker.ts,
// child processes: server-child.ts): loading the connection handler from
// its module, and carrying a handler's error to the listening side, which
// reports it as the server's own connectionError.
import type { Socket } from '../socket';

export type Handler = (socket: Socket) => unknown;

/** An error as it crosses a thread or process boundary. */
export interface ErrorDescription {
  name?: string;
  message: string;
  stack?: string;
  code?: string;
}

/** The handler a module exports: module.exports = fn, or its default export. */
export function loadHandler(script: string): Handler {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const loaded = require(script);
  const handler = typeof loaded === 'function' ? loaded : loaded?.default;
  if (typeof handler !== 'function') {
    throw new TypeError(`${script} must export the connection handler: module.exports = async (socket) => {...}`);
  }
  return handler as Handler;
}

export function describeError(error: unknown): ErrorDescription {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as Error & { code?: unknown }).code;
  return { name: error.name, message: error.message, stack: error.stack, ...(typeof code === 'string' ? { code } : {}) };
}

/** An Error again, with the name, stack and code it had. */
export function reviveError(description: ErrorDescription): Error {
  return Object.assign(new Error(description.message), description);
}
