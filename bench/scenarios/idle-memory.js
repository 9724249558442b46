'use strict';
// 10,000 concurrent idle connections: resident memory per accepted socket.
// Three processes so nothing shares a heap: this one forks a measured server
// process (with --expose-gc) per impl, which forks the 10,000 clients (a
// process may hold at most 20,000 fds). The clients are net sockets for both
// impls (they are not measured). Each accepted socket waits for a request as
// a real server's would: net sockets read by default, winsock ones have one
// pending recv(). Metric: (rss after - rss before) / connections, after gc.
// The shape is always 'child'.
const net = require('node:net');
const { once } = require('node:events');
const { winsockListener, nodeListener, isClosed, forkRole, track } = require('../harness');

// Under Wine every socket is also an fd of the one wineserver, which holds
// those of both processes: 2,000 connections there, 10,000 elsewhere.
const CONNECTIONS = require('../..').underWine ? 2000 : 10000;
const QUICK_CONNECTIONS = 100;

const CONNECT_CONCURRENCY = 50; // below the listen backlog, so no SYN is dropped and retried

function settle() {
  for (let i = 0; i < 3; i++) global.gc?.();
  return new Promise((resolve) => setTimeout(resolve, 100));
}

// Accepts `count` connections; resolves with a closer of them all.
async function acceptWinsock(listener, count) {
  const sockets = [];
  for (let i = 0; i < count; i++) {
    const socket = await listener.accept();
    socket.recv().catch((error) => { if (!isClosed(error)) throw error; });
    sockets.push(socket);
  }
  return () => { for (const socket of sockets) socket.close(); };
}

const roles = {
  // The measured process.
  async server({ impl, count }) {
    let address;
    let accept; // starts accepting; resolves with a closer of all the accepted sockets
    let closeListener;
    if (impl === 'winsock') {
      const listener = winsockListener();
      address = listener.localAddress();
      accept = () => acceptWinsock(listener, count);
      closeListener = () => listener.close();
    } else {
      const sockets = [];
      let all;
      const accepted = new Promise((resolve) => { all = resolve; });
      const server = await nodeListener((socket) => {
        sockets.push(socket);
        socket.on('error', () => {});
        if (sockets.length === count) all(() => { for (const s of sockets) s.destroy(); });
      });
      address = { address: '127.0.0.1', port: server.address().port };
      accept = () => accepted;
      closeListener = () => server.close();
    }
    await settle();
    const before = process.memoryUsage().rss;
    const clients = forkRole('idle-memory', 'clients', { address, count });
    let closeAccepted = () => {};
    try {
      const ready = clients.message('ready');
      const early = clients.result.then(() => { throw new Error('the clients ended early'); });
      early.catch(() => {}); // only raced below
      closeAccepted = await Promise.race([accept(), early]);
      await Promise.race([ready, early]);
      await settle();
      const after = process.memoryUsage().rss;
      return { perConnection: (after - before) / count, gc: typeof global.gc === 'function' };
    } finally {
      closeAccepted();
      closeListener();
      clients.send({ type: 'stop' });
      await clients.result.catch(() => {});
      await clients.finish();
    }
  },

  // The clients' process: connects, says ready, holds until 'stop'.
  async clients({ address, count }, ipc) {
    const sockets = [];
    const closeAll = track(() => { for (const socket of sockets) socket.destroy(); });
    try {
      let next = 0;
      const lane = async () => {
        while (next < count) {
          next++;
          const socket = net.connect({ host: address.address, port: address.port });
          sockets.push(socket);
          socket.on('error', () => {});
          await once(socket, 'connect');
        }
      };
      await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, lane));
      ipc.send({ type: 'ready' });
      await ipc.message('stop');
      return sockets.length;
    } finally {
      closeAll();
    }
  },
};

module.exports = {
  name: 'idle-memory',
  unit: 'bytes/conn',
  better: 'lower',
  fixedShape: 'child',
  note: ({ quick }) => `${quick ? QUICK_CONNECTIONS : CONNECTIONS} connections, after gc, each accepted socket waiting in recv()`,
  roles,
  async run({ impl, quick }) {
    const server = forkRole('idle-memory', 'server', { impl, count: quick ? QUICK_CONNECTIONS : CONNECTIONS }, { execArgv: ['--expose-gc'] });
    try {
      const { perConnection } = await server.result;
      return perConnection;
    } finally {
      await server.finish();
    }
  },
};
