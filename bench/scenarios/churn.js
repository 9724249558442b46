'use strict';
// Connection churn: connect, accept, one 64-byte exchange (client sends,
// server answers), both close. CONCURRENCY client loops run side by side,
// the same for winsock and node. Metric: connections/s, measured by the client.
const net = require('node:net');
const { runLoop, winsock, winsockListener, nodeListener, readExactly, isClosed, runClient, track } = require('../harness');

const SIZE = 64;
const CONCURRENCY = 4;
const message = Buffer.alloc(SIZE, 0x64);

// Runs `once()` `count` times, CONCURRENCY at a time; resolves with connections/s.
async function lanes(count, once) {
  let next = 0;
  const start = performance.now();
  const lane = async () => {
    while (next < count) {
      next++;
      await once();
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, lane));
  return count / ((performance.now() - start) / 1000);
}

/** How many connections a run makes. */
const connections = (quick, scale = 1) => (quick ? 100 : Math.round(20000 * scale));

const roles = {
  winsock({ address, count }) {
    return lanes(count, async () => {
      const socket = new winsock.Socket();
      const close = track(() => socket.close());
      try {
        await socket.connect(address);
        await socket.send(message);
        if ((await readExactly(socket, SIZE)) === null) throw new Error('EOF before the answer');
      } finally {
        close();
      }
    });
  },

  node({ address, count }) {
    return lanes(count, () => new Promise((resolve, reject) => {
      const socket = net.connect({ host: address.address, port: address.port, noDelay: true });
      const close = track(() => socket.destroy());
      let got = 0;
      socket.once('connect', () => socket.write(message));
      socket.on('data', (chunk) => {
        got += chunk.length;
        if (got >= SIZE) { close(); resolve(); }
      });
      socket.on('error', (error) => { close(); reject(error); });
      socket.on('end', () => { if (got < SIZE) reject(new Error('EOF before the answer')); });
    }));
  },
};

// The server side; `served` resolves once `count` connections were answered.
function serveWinsock(count) {
  const listener = winsockListener();
  const served = (async () => {
    let answered = 0;
    let failure;
    const answer = async (socket) => {
      try {
        if ((await readExactly(socket, SIZE)) !== null) await socket.send(message);
        answered++;
      } catch (error) {
        failure ??= error;
      } finally {
        socket.close();
      }
    };
    const handling = [];
    for (let i = 0; i < count; i++) {
      let socket;
      try {
        socket = await listener.accept();
      } catch (error) {
        if (isClosed(error)) break; // the client side failed and run() closed us
        throw error;
      }
      handling.push(answer(socket));
    }
    await Promise.all(handling);
    if (failure) throw failure;
    return answered;
  })();
  served.catch(() => {});
  return { address: listener.localAddress(), served, close: () => listener.close() };
}

async function serveNode(count) {
  let answered = 0;
  let finish;
  const served = new Promise((resolve) => { finish = resolve; });
  const server = await nodeListener((socket) => {
    let got = 0;
    socket.on('data', (chunk) => {
      got += chunk.length;
      if (got >= SIZE && got - chunk.length < SIZE) {
        socket.write(message, () => {
          socket.destroy();
          if (++answered === count) finish(answered);
        });
      }
    });
    socket.on('error', () => socket.destroy());
  });
  const { port } = server.address();
  return { address: { address: '127.0.0.1', port }, served, close: () => server.close() };
}

module.exports = {
  name: 'churn',
  unit: 'connections/s',
  better: 'higher',
  note: () => `${CONCURRENCY} at a time`,
  roles,
  anchor: ({ shape, quick, scale = 1 }) => runLoop(['churn', connections(quick, scale), shape]).then((f) => f.value),
  async run({ impl, shape, quick, scale = 1 }) {
    const count = connections(quick, scale);
    const server = impl === 'winsock' ? serveWinsock(count) : await serveNode(count);
    try {
      const rate = await runClient(shape, 'churn', impl, { address: server.address, count });
      const answered = await server.served;
      if (answered !== count) throw new Error(`server answered ${answered} of ${count}`);
      return rate;
    } finally {
      server.close();
    }
  },
};
