'use strict';
// TCP ping-pong: 64-byte messages, the client waits for the whole echo
// before the next send on that connection. winsock: plain send()/recv();
// node: net write() + 'data'. Metric: round trips/s over all connections,
// measured by the client from the moment all of them are connected.
// pingpong(connections) makes the scenario for that many connections at
// once (tcp-pingpong-many), the same code with one (tcp-pingpong).
const net = require('node:net');
const { runLoop, winsock, winsockListener, nodeListener, readExactly, runClient, track } = require('../harness');

const SIZE = 64;
const message = Buffer.alloc(SIZE, 0x61);

/** How many round trips a run makes, over all its connections. */
const roundTrips = (quick, scale = 1) => (quick ? 500 : Math.round(50000 * scale));

const roles = {
  async winsock({ address, count, connections = 1 }) {
    const sockets = Array.from({ length: connections }, () => new winsock.Socket());
    const close = track(() => sockets.forEach((socket) => socket.close()));
    try {
      await Promise.all(sockets.map((socket) => socket.connect(address)));
      for (const socket of sockets) socket.setOption('TCP_NODELAY', true);
      const each = Math.max(1, Math.round(count / connections));
      const start = performance.now();
      await Promise.all(sockets.map(async (socket) => {
        for (let i = 0; i < each; i++) {
          await socket.send(message);
          if ((await readExactly(socket, SIZE)) === null) throw new Error('EOF in the middle of the ping-pong');
        }
      }));
      return (each * connections) / ((performance.now() - start) / 1000);
    } finally {
      close();
    }
  },

  async node({ address, count, connections = 1 }) {
    const sockets = [];
    const close = track(() => sockets.forEach((socket) => socket.destroy()));
    try {
      const each = Math.max(1, Math.round(count / connections));
      let connected = 0;
      let start;
      // Each connection's life in one promise, so that an error at any
      // step (the connect too) rejects it.
      await Promise.all(Array.from({ length: connections }, () => new Promise((resolve, reject) => {
        const socket = net.connect({ host: address.address, port: address.port, noDelay: true });
        sockets.push(socket);
        let pending = 0;
        let done = 0;
        socket.on('error', reject);
        socket.once('connect', () => {
          if (++connected < connections) return;
          start = performance.now();
          for (const connection of sockets) connection.write(message);
        });
        socket.on('data', (chunk) => {
          pending += chunk.length;
          while (pending >= SIZE) {
            pending -= SIZE;
            if (++done === each) {
              resolve();
              return;
            }
            socket.write(message);
          }
        });
      })));
      return (each * connections) / ((performance.now() - start) / 1000);
    } finally {
      close();
    }
  },
};

// The echo side: answers every whole 64 bytes with 64 bytes, until EOF, on
// each of `connections` accepted connections.
async function serveWinsock(connections) {
  const listener = winsockListener();
  const echo = async (socket) => {
    const close = track(() => socket.close());
    socket.setOption('TCP_NODELAY', true);
    try {
      while ((await readExactly(socket, SIZE)) !== null) await socket.send(message);
    } catch (error) {
      if (error.code !== 'ECONNRESET') throw error; // the client's close may race our send
    } finally {
      close();
    }
  };
  const served = (async () => {
    const echoes = [];
    for (let i = 0; i < connections; i++) echoes.push(echo(await listener.accept()));
    await Promise.all(echoes);
  })();
  served.catch(() => {}); // awaited by run(); this only keeps an early failure from being unhandled
  return { address: listener.localAddress(), served, close: () => listener.close() };
}

async function serveNode(connections) {
  let finish;
  let closed = 0;
  const served = new Promise((resolve) => { finish = resolve; });
  const server = await nodeListener((socket) => {
    let pending = 0;
    socket.on('data', (chunk) => {
      pending += chunk.length;
      for (; pending >= SIZE; pending -= SIZE) socket.write(message);
    });
    socket.on('error', () => {}); // the client's close may race our write
    socket.on('close', () => { if (++closed === connections) finish(); });
  });
  const { port } = server.address();
  return { address: { address: '127.0.0.1', port }, served, close: () => server.close() };
}

/** The scenario with `connections` ping-ponging at once, under `name`. */
function pingpong(name, connections) {
  return {
    name,
    unit: 'round trips/s',
    better: 'higher',
    ...(connections > 1 ? { note: () => `${connections} connections at once` } : {}),
    roles,
    // The C loop: the same exchange, one thread, epoll.
    anchor: ({ shape, quick, scale = 1 }) => runLoop([name, roundTrips(quick, scale), shape]).then((f) => f.value),
    async run({ impl, shape, quick, scale = 1 }) {
      const server = impl === 'winsock' ? await serveWinsock(connections) : await serveNode(connections);
      try {
        const rate = await runClient(shape, name, impl, { address: server.address, count: roundTrips(quick, scale), connections });
        await server.served;
        return rate;
      } finally {
        server.close();
      }
    },
  };
}

module.exports = { ...pingpong('tcp-pingpong', 1), pingpong };
