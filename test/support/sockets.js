'use strict';
// Teardown helpers: every socket a test makes or accepts is closed after it,
// so the suite can run twice in a row and leaves no descriptor behind.
const { Socket, backend } = require('../..');

const LOOPBACK = { inet: '127.0.0.1', inet6: '::1' };

function useSockets() {
  const open = new Set();
  afterEach(() => {
    for (const socket of open) socket.close();
    open.clear();
  });

  /** Remembers a socket for teardown and returns it. */
  function track(socket) {
    open.add(socket);
    return socket;
  }

  /** new Socket(options), closed after the test. */
  function make(options) {
    return track(new Socket(options));
  }

  /** A stream socket listening on loopback, port 0. */
  function listener(family = 'inet', backlog = 511) {
    return make({ family }).bind({ address: LOOPBACK[family], port: 0 }).listen(backlog);
  }

  /** A datagram socket bound on loopback, port 0. */
  function datagram(family = 'inet') {
    return make({ family, type: 'dgram' }).bind({ address: LOOPBACK[family], port: 0 });
  }

  /** A connected pair: [client, accepted]. */
  async function pair(family = 'inet') {
    const server = listener(family);
    const client = make({ family });
    const [accepted] = await Promise.all([server.accept(), client.connect(server.localAddress())]);
    server.close();
    return [client, track(accepted)];
  }

  /** Reads until `size` bytes arrived or EOF. */
  async function readExactly(socket, size) {
    const chunks = [];
    let length = 0;
    while (length < size) {
      const chunk = await socket.recv(Math.min(65536, size - length));
      if (chunk.length === 0) break;
      chunks.push(chunk);
      length += chunk.length;
    }
    return Buffer.concat(chunks);
  }

  /** Reads until EOF. */
  async function readToEnd(socket) {
    const chunks = [];
    for (;;) {
      const chunk = await socket.recv();
      if (chunk.length === 0) return Buffer.concat(chunks);
      chunks.push(chunk);
    }
  }

  return { track, make, listener, datagram, pair, readExactly, readToEnd };
}

/** The system call names each backend reports. */
const SYSCALL = backend === 'winsock'
  ? { connect: 'ConnectEx', bind: 'bind', recv: 'WSARecv', send: 'WSASend' }
  : { connect: 'connect', bind: 'bind', recv: 'recv', send: 'send' };

module.exports = { useSockets, LOOPBACK, SYSCALL };
