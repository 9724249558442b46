// Type-level cases for addresses typed by family, checked by types.test.js
// with tsc --strict. A line under @ts-expect-error must fail to compile.
import { Socket, type SocketAddress, type UnixAddress, type AnyAddress } from 'winsock';

declare const inet: Socket<'inet'>;
declare const inet6: Socket<'inet6'>;
declare const unix: Socket<'unix'>;
declare const any: Socket;

export async function cases(): Promise<void> {
  // The family given to the constructor types the socket.
  const server: Socket<'inet'> = new Socket({ family: 'inet', type: 'stream' });
  const { port } = server.localAddress();
  const portNumber: number = port;
  const peer: Socket<'inet'> = await server.accept();
  const remote: SocketAddress = peer.remoteAddress();
  const v6: SocketAddress = inet6.localAddress();
  const path: string = unix.localAddress().path;
  const { address } = await inet.recvFrom();
  const fromAddress: SocketAddress = address;

  // A family not known at compile time gives either shape.
  const either: AnyAddress = any.localAddress();
  // @ts-expect-error: a socket of any family may have a path address, without a port
  any.localAddress().port;
  // @ts-expect-error: a unix socket's address has no port
  unix.localAddress().port;
  // @ts-expect-error: an inet socket's address has no path
  inet.localAddress().path;
  // @ts-expect-error: 'ipx' is no family
  new Socket({ family: 'ipx' });

  // Sockets of one family go where any socket is taken.
  const sockets: Socket[] = [inet, inet6, unix, server];
  const unixAddress: UnixAddress = unix.remoteAddress();
  void [portNumber, remote, v6, path, fromAddress, either, sockets, unixAddress];
}
