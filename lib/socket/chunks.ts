// `for await (const chunk of socket)`: an async iterator over continuous
// reading (startReading), until EOF. Reading pauses while more than 1 MiB
// waits unconsumed, and resumes below half of it; a close() ends the
// iteration. Chunks read but not yielded when the loop breaks go back to
// the socket, for the next recv() or read.
import { unread } from './reading';
import type { StreamingSocket } from './types';

const HIGH_WATER = 1024 * 1024;

export async function* chunks(socket: StreamingSocket): AsyncGenerator<Buffer, void, undefined> {
  const queue: Buffer[] = [];
  let queued = 0;
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | null = null;
  const notify = () => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  const onData = (chunk: Buffer) => {
    queue.push(chunk);
    queued += chunk.length;
    if (queued > HIGH_WATER) socket.stopReading();
    notify();
  };
  const onEnd = (error?: Error) => {
    ended = true;
    failure = error;
    notify();
  };
  socket.on('close', notify);
  socket.startReading(onData, onEnd);
  try {
    for (;;) {
      if (queue.length > 0) {
        const chunk = queue.shift() as Buffer;
        queued -= chunk.length;
        if (!socket.reading && !ended && queued <= HIGH_WATER / 2 && socket.state !== 'closed') {
          socket.startReading(onData, onEnd);
        }
        yield chunk;
        continue;
      }
      if (failure) throw failure;
      if (ended || socket.state === 'closed') return;
      await new Promise<void>((resolve) => { wake = resolve; });
    }
  } finally {
    socket.off('close', notify);
    socket.stopReading();
    if (socket.state !== 'closed') socket[unread](queue);
  }
}
