'use strict';
// UDP ping-pong: 64-byte datagrams, the client waits for each echo.
// winsock: sendTo()/recvFrom(); node: dgram send() + 'message'.
// Metric: round trips/s, measured by the client. Loopback does not drop a
// lone datagram in flight; a lost one would show as the scenario's timeout.
const dgram = require('node:dgram');
const { once } = require('node:events');
const { runLoop, LOOPBACK, winsock, isClosed, runClient, track } = require('../harness');

const SIZE = 64;
const message = Buffer.alloc(SIZE, 0x63);

function winsockDatagram() {
  const socket = new winsock.Socket({ type: 'dgram' }).bind({ address: LOOPBACK, port: 0 });
  return { socket, close: track(() => socket.close()) };
}

async function nodeDatagram() {
  const socket = dgram.createSocket('udp4');
  const close = track(() => socket.close());
  socket.bind(0, LOOPBACK);
  await once(socket, 'listening');
  return { socket, close };
}

/** How many round trips a run makes. */
const roundTrips = (quick, scale = 1) => (quick ? 500 : Math.round(50000 * scale));

const roles = {
  async winsock({ address, count }) {
    const { socket, close } = winsockDatagram();
    try {
      const start = performance.now();
      for (let i = 0; i < count; i++) {
        await socket.sendTo(message, address);
        const { data } = await socket.recvFrom(2048);
        if (data.length !== SIZE) throw new Error(`echo of ${data.length} bytes`);
      }
      return count / ((performance.now() - start) / 1000);
    } finally {
      close();
    }
  },

  async node({ address, count }) {
    const { socket, close } = await nodeDatagram();
    try {
      return await new Promise((resolve, reject) => {
        let done = 0;
        const start = performance.now();
        socket.on('error', reject);
        socket.on('message', () => {
          if (++done === count) resolve(count / ((performance.now() - start) / 1000));
          else socket.send(message, address.port, address.address);
        });
        socket.send(message, address.port, address.address);
      });
    } finally {
      close();
    }
  },
};

// The echo side, until closed.
function serveWinsock() {
  const { socket, close } = winsockDatagram();
  const served = (async () => {
    try {
      for (;;) {
        const { data, address } = await socket.recvFrom(2048);
        await socket.sendTo(data, address);
      }
    } catch (error) {
      if (!isClosed(error)) throw error;
    }
  })();
  served.catch(() => {});
  return { address: socket.localAddress(), served, close };
}

async function serveNode() {
  const { socket, close } = await nodeDatagram();
  socket.on('message', (data, from) => socket.send(data, from.port, from.address));
  return { address: { address: LOOPBACK, port: socket.address().port }, served: Promise.resolve(), close };
}

module.exports = {
  name: 'udp-pingpong',
  unit: 'round trips/s',
  better: 'higher',
  roles,
  anchor: ({ shape, quick, scale = 1 }) => runLoop(['udp-pingpong', roundTrips(quick, scale), shape]).then((f) => f.value),
  async run({ impl, shape, quick, scale = 1 }) {
    const server = impl === 'winsock' ? serveWinsock() : await serveNode();
    try {
      return await runClient(shape, 'udp-pingpong', impl, { address: server.address, count: roundTrips(quick, scale) });
    } finally {
      server.close();
      await server.served;
    }
  },
};
