// The child-process side of createServer({ processes, processScript }):
// loads the handler module, takes each connection the parent hands over
// (SocketChannel), and runs the handler on it. The parent keeps the count:
// every connection is reported once it ended.
import { describeError, loadHandler } from './handler-module';
import { SocketChannel } from './handover';
import { SERVER_KEY } from './process-pool';
import { IdleReaper } from './reaper';
import type { Socket } from '../socket';
import type { SocketState } from '../socket';

function tell(kind: 'ready' | 'closed' | 'failed', details: Record<string, unknown> = {}): void {
  if (process.connected) process.send?.({ [SERVER_KEY]: kind, ...details });
}

function serve(script: string, idleTimeout: number | undefined): void {
  const handler = loadHandler(script);
  const reaper = idleTimeout === undefined ? null : new IdleReaper({ timeout: idleTimeout });
  const channel = SocketChannel.fromParent();
  const open = new Set<Socket>();
  let stopping = false;
  const finishIfIdle = () => {
    if (!stopping || open.size > 0) return;
    reaper?.close();
    // Nothing is left to serve: leave the parent's channel, and the process.
    if (process.connected) process.disconnect();
    setImmediate(() => process.exit(0));
  };
  channel.on('socket', (socket: Socket) => {
    open.add(socket);
    socket.on('state', (next: SocketState) => {
      if (next !== 'closed') return;
      open.delete(socket);
      tell('closed');
      finishIfIdle();
    });
    reaper?.add(socket);
    const fail = (error: unknown) => {
      tell('failed', { error: describeError(error), closedBefore: socket.state === 'closed' });
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
  process.on('message', (message: Record<string, unknown>) => {
    if (message?.[SERVER_KEY] !== 'stop') return;
    stopping = true;
    channel.close();
    if (!message.graceful) for (const socket of [...open]) socket.close();
    finishIfIdle();
  });
  // The parent went away without a word (killed): nothing more will come.
  process.on('disconnect', () => {
    stopping = true;
    channel.close();
    for (const socket of [...open]) socket.close();
    finishIfIdle();
  });
  tell('ready');
}

if (require.main === module) {
  const [script, idle] = process.argv.slice(2);
  serve(script, idle === '' || idle === undefined ? undefined : Number(idle));
}
