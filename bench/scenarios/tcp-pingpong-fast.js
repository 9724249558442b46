'use strict';
// TCP ping-pong on the fast path: 64-byte messages, the client sends the
// next one as soon as the whole echo arrived. winsock: startReading() and
// write() on both ends; node: net 'data' and write(). Metric: round trips/s.
const net = require('node:net');
const { runLoop, winsock, winsockListener, nodeListener, runClient, track } = require('../harness');

const SIZE = 64;
const message = Buffer.alloc(SIZE, 0x66);

/** Calls `onMessage` once per whole SIZE bytes that arrived. */
function counter(onMessage) {
  let pending = 0;
  return (chunk) => {
    pending += chunk.length;
    for (; pending >= SIZE; pending -= SIZE) onMessage();
  };
}

/** How many round trips a run makes. */
const roundTrips = (quick, scale = 1) => (quick ? 500 : Math.round(50000 * scale));

const roles = {
  winsock({ address, count }) {
    return new Promise((resolve, reject) => {
      const socket = new winsock.Socket();
      const close = track(() => socket.close());
      let done = 0;
      let start;
      socket.connect(address).then(() => {
        socket.setOption('TCP_NODELAY', true);
        socket.startReading(counter(() => {
          if (++done === count) {
            close();
            resolve(count / ((performance.now() - start) / 1000));
            return;
          }
          socket.write(message);
        }), (error) => reject(error ?? new Error('EOF in the middle of the ping-pong')));
        start = performance.now();
        socket.write(message);
      }, reject);
    });
  },

  node({ address, count }) {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: address.address, port: address.port, noDelay: true });
      const close = track(() => socket.destroy());
      let done = 0;
      let start;
      socket.on('error', (error) => { close(); reject(error); });
      socket.once('connect', () => {
        start = performance.now();
        socket.write(message);
      });
      socket.on('data', counter(() => {
        if (++done === count) {
          close();
          resolve(count / ((performance.now() - start) / 1000));
          return;
        }
        socket.write(message);
      }));
    });
  },
};

async function serveWinsock() {
  const listener = winsockListener();
  const served = listener.accept().then((socket) => {
    track(() => socket.close());
    socket.setOption('TCP_NODELAY', true);
    return new Promise((resolve) => {
      socket.startReading(counter(() => socket.write(message)), () => {
        socket.close();
        resolve();
      });
    });
  });
  served.catch(() => {});
  return { address: listener.localAddress(), served, close: () => listener.close() };
}

async function serveNode() {
  let finish;
  const served = new Promise((resolve) => { finish = resolve; });
  const server = await nodeListener((socket) => {
    socket.on('data', counter(() => socket.write(message)));
    socket.on('error', () => {});
    socket.on('close', finish);
  });
  const { port } = server.address();
  return { address: { address: '127.0.0.1', port }, served, close: () => server.close() };
}

module.exports = {
  name: 'tcp-pingpong-fast',
  note: () => 'startReading() + write()',
  unit: 'round trips/s',
  better: 'higher',
  roles,
  // The C loop knows one way of ping-pong: tcp-pingpong's.
  anchor: ({ shape, quick, scale = 1 }) => runLoop(['tcp-pingpong', roundTrips(quick, scale), shape]).then((f) => f.value),
  async run({ impl, shape, quick, scale = 1 }) {
    const server = impl === 'winsock' ? await serveWinsock() : await serveNode();
    try {
      const rate = await runClient(shape, 'tcp-pingpong-fast', impl, { address: server.address, count: roundTrips(quick, scale) });
      await server.served;
      return rate;
    } finally {
      server.close();
    }
  },
};
