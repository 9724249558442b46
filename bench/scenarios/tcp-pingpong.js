'use strict';
// TCP ping-pong: 64-byte messages over one connection, the client waits for
// the whole echo before the next send. winsock: plain send()/recv();
// node: net write() + 'data'. Metric: round trips/s, measured by the client.
const net = require('node:net');
const { runLoop, winsock, winsockListener, nodeListener, readExactly, runClient, track } = require('../harness');

const SIZE = 64;
const message = Buffer.alloc(SIZE, 0x61);

/** How many round trips a run makes. */
const roundTrips = (quick, scale = 1) => (quick ? 500 : Math.round(50000 * scale));

const roles = {
  async winsock({ address, count }) {
    const socket = new winsock.Socket();
    const close = track(() => socket.close());
    try {
      await socket.connect(address);
      socket.setOption('TCP_NODELAY', true);
      const start = performance.now();
      for (let i = 0; i < count; i++) {
        await socket.send(message);
        if ((await readExactly(socket, SIZE)) === null) throw new Error('EOF in the middle of the ping-pong');
      }
      return count / ((performance.now() - start) / 1000);
    } finally {
      close();
    }
  },

  node({ address, count }) {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: address.address, port: address.port, noDelay: true });
      const close = track(() => socket.destroy());
      let pending = 0;
      let done = 0;
      let start;
      socket.on('error', (error) => { close(); reject(error); });
      socket.once('connect', () => {
        start = performance.now();
        socket.write(message);
      });
      socket.on('data', (chunk) => {
        pending += chunk.length;
        while (pending >= SIZE) {
          pending -= SIZE;
          if (++done === count) {
            const rate = count / ((performance.now() - start) / 1000);
            close();
            resolve(rate);
            return;
          }
          socket.write(message);
        }
      });
    });
  },
};

// The echo side: answers every whole 64 bytes with 64 bytes, until EOF.
async function serveWinsock() {
  const listener = winsockListener();
  const served = (async () => {
    const socket = await listener.accept();
    const close = track(() => socket.close());
    socket.setOption('TCP_NODELAY', true);
    try {
      while ((await readExactly(socket, SIZE)) !== null) await socket.send(message);
    } catch (error) {
      if (error.code !== 'ECONNRESET') throw error; // the client's close may race our send
    } finally {
      close();
    }
  })();
  served.catch(() => {}); // awaited by run(); this only keeps an early failure from being unhandled
  return { address: listener.localAddress(), served, close: () => listener.close() };
}

async function serveNode() {
  let finish;
  const served = new Promise((resolve) => { finish = resolve; });
  const server = await nodeListener((socket) => {
    let pending = 0;
    socket.on('data', (chunk) => {
      pending += chunk.length;
      for (; pending >= SIZE; pending -= SIZE) socket.write(message);
    });
    socket.on('error', () => {}); // the client's close may race our write
    socket.on('close', finish);
  });
  const { port } = server.address();
  return { address: { address: '127.0.0.1', port }, served, close: () => server.close() };
}

module.exports = {
  name: 'tcp-pingpong',
  unit: 'round trips/s',
  better: 'higher',
  roles,
  // The C loop: the same exchange, one thread, epoll.
  anchor: ({ shape, quick, scale = 1 }) => runLoop(['tcp-pingpong', roundTrips(quick, scale), shape]).then((f) => f.value),
  async run({ impl, shape, quick, scale = 1 }) {
    const server = impl === 'winsock' ? await serveWinsock() : await serveNode();
    try {
      const rate = await runClient(shape, 'tcp-pingpong', impl, { address: server.address, count: roundTrips(quick, scale) });
      await server.served;
      return rate;
    } finally {
      server.close();
    }
  },
};
