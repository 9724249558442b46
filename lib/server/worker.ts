// The worker-thread side of createServer({ workers, workerScript }): loads
// the handler module, then adopts each connection the main thread posts and
// runs the handler on it. The main thread keeps the count (see WorkerPool in
// server.ts), so every connection is reported once adopted and once closed.
import { parentPort, workerData } from 'node:worker_threads';

import { type Handler, describeError, loadHandler } from './handler-module';
import { IdleReaper } from './reaper';
import { Socket, type Family, type SocketType } from '../socket';
import type { SocketState } from '../socket';

interface ConnectionMessage {
  type: 'connection';
  id: number;
  transfer: ArrayBuffer;
  family: Family;
  socketType: SocketType;
  state: SocketState;
}

function serve(port: NonNullable<typeof parentPort>, handler: Handler, reaper: IdleReaper | null): void {
  port.on('message', (message: ConnectionMessage) => {
    if (message?.type !== 'connection') return;
    const { id } = message;
    let socket: Socket;
    try {
      socket = Socket.adopt({ transfer: message.transfer, family: message.family, type: message.socketType, state: message.state });
    } catch (error) {
      port.postMessage({ type: 'failed', id, error: describeError(error), closedBefore: false });
      port.postMessage({ type: 'closed', id });
      return;
    }
    // Should this thread die before the main thread reads this, its own
    // adopt of the handle fails (a handle is adopted once) and this
    // thread's cleanup closes the socket.
    port.postMessage({ type: 'adopted', id });
    socket.on('state', (next: SocketState) => {
      if (next === 'closed') port.postMessage({ type: 'closed', id });
    });
    reaper?.add(socket);
    const fail = (error: unknown) => {
      port.postMessage({ type: 'failed', id, error: describeError(error), closedBefore: socket.state === 'closed' });
      socket.close();
    };
    try {
      const outcome = handler(socket);
      if (outcome !== null && typeof (outcome as PromiseLike<unknown>)?.then === 'function') {
        (outcome as PromiseLike<unknown>).then(undefined, fail);
      }
    } catch (error) {
      fail(error);
    }
  });
}

if (parentPort !== null) {
  const { script, idleTimeout } = workerData as { script: string; idleTimeout?: number };
  const handler = loadHandler(script);
  const reaper = idleTimeout === undefined ? null : new IdleReaper({ timeout: idleTimeout });
  serve(parentPort, handler, reaper);
  parentPort.postMessage({ type: 'ready' });
}
