// Type-level cases for sendMsg / recvMsg, Socket.pair and sharing, checked
// by types.test.js with tsc --strict. A line under @ts-expect-error must fail.
import { Socket, type ReceivedControl, type ReceivedMessage } from 'winsock';

export async function cases(socket: Socket<'inet'>): Promise<void> {
  const sent: number = await socket.sendMsg(['a', Buffer.from('b')], {
    address: { address: '127.0.0.1', port: 9 },
    control: [{ level: 0, type: 8, data: new Uint8Array(4) }, { packetInfo: { address: '127.0.0.1' } }],
  });
  const message: ReceivedMessage<'inet'> = await socket.recvMsg([2, 8], { controlSize: 256 });
  const port: number = message.address.port;
  for (const item of message.control) {
    if (item.kind === 'packetInfo') {
      const destination: string = item.address;
      const index: number = item.interfaceIndex;
      void [destination, index];
    }
    if (item.kind === 'rights') {
      const handle: ArrayBuffer = item.handles[0];
      void handle;
    }
  }
  const [first, second]: [Socket, Socket] = Socket.pair();
  const bytes: Buffer = first.share(process.pid);
  const shared: Socket = Socket.fromShare(bytes, { state: 'connected' });
  // @ts-expect-error sizes are numbers
  await socket.recvMsg(['8']);
  // @ts-expect-error a control message needs its data
  await socket.sendMsg('x', { control: [{ level: 0, type: 8 }] });
  // @ts-expect-error a ttl item has no address
  const wrong: string = (message.control[0] as ReceivedControl & { kind: 'ttl' }).address;
  void [sent, port, second, shared, wrong];
}
