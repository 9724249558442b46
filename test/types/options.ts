// Type-level cases for typed options, checked by types.test.js with tsc
// --strict. A line under @ts-expect-error must fail to compile.
import { Socket, type Linger } from 'winsock';

export function cases(socket: Socket): void {
  const nodelay: boolean = socket.getOption('TCP_NODELAY');
  const buffer: number = socket.getOption('SO_RCVBUF');
  const linger: Linger = socket.getOption('SO_LINGER');
  const error: string | null = socket.getOption('SO_ERROR');
  const type: string = socket.getOption('SO_TYPE');
  socket.setOption('TCP_NODELAY', true).setOption('SO_LINGER', { enabled: true, seconds: 0 }).setOption('IP_TTL', 64);
  // @ts-expect-error a boolean option takes a boolean
  socket.setOption('TCP_NODELAY', 1);
  // @ts-expect-error a number option takes a number
  socket.setOption('SO_RCVBUF', '64k');
  // @ts-expect-error SO_ERROR is read only
  socket.setOption('SO_ERROR', null);
  // @ts-expect-error not an option of the table
  socket.getOption('SO_NOTHING');
  // @ts-expect-error a boolean is not a number
  const wrong: number = socket.getOption('SO_KEEPALIVE');
  void [nodelay, buffer, linger, error, type, wrong];
}
