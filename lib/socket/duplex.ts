// socket.stream(): a node:stream Duplex over a stream socket, for
// pipeline(), Readable.toWeb() and the rest of the stream ecosystem. Under
// it is the fast path: reading is startReading() (chunks are pushed as the
// addon made them, no copy), and it pauses through stopReading() when the
// reader falls behind (bytes that arrive meanwhile wait in the socket, in
// order); each write is one send(), so a slow peer holds the writer back.
import { Duplex } from 'node:stream';

import type { StreamingSocket } from './types';

export function socketDuplex(socket: StreamingSocket): Duplex {
  let reading = false;
  const duplex: Duplex = new Duplex({
    // end() is shutdown('send'): the peer's answer can still be read.
    allowHalfOpen: true,
    read() {
      if (reading || socket.state === 'closed') return;
      reading = true;
      socket.startReading((chunk) => {
        if (duplex.push(chunk)) return;
        socket.stopReading();  // backpressure: read() starts it again
        reading = false;
      }, (error) => {
        reading = false;
        if (error !== undefined) duplex.destroy(error);
        else duplex.push(null);  // the peer's EOF
      });
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.send(chunk).then(() => callback(), callback);
    },
    final(callback) {
      try {
        if (socket.state !== 'closed') socket.shutdown('send');
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    destroy(error, callback) {
      socket.off('close', onClose);
      socket.close();
      callback(error);
    },
  });
  // Closed under the stream (close(), the reaper): the stream ends with it.
  const onClose = () => {
    if (!duplex.destroyed) duplex.destroy();
  };
  socket.on('close', onClose);
  return duplex;
}
