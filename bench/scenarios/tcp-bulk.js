'use strict';
// TCP bulk: 1 GiB one way in 64 KiB sends, client to server. Metric: MiB/s
// measured by the reader (the server), from accept to EOF.
// winsock sender: write() with back-pressure if the Socket has it, else
// `await send()` per chunk. winsock reader: startReading() (no Promise per
// chunk) if it exists, else a recv() loop. node: write() + 'drain', 'data'.
const net = require('node:net');
const { once } = require('node:events');
const { runLoop, winsock, winsockListener, nodeListener, runClient, track } = require('../harness');

const CHUNK = 64 * 1024;
// recv() size for the fallback read loop; 64 KiB vs 256 KiB / 1 MiB made no
// measurable difference on loopback (recv returns what is queued, <= the socket buffer).
const RECV_SIZE = 65536;
const chunk = Buffer.alloc(CHUNK, 0x62);

/** How many bytes a run sends: 1 GiB at scale 1. */
const totalBytes = (quick, scale = 1) => (quick ? 8 : Math.round(16384 * scale)) * CHUNK;

const roles = {
  async winsock({ address, total }) {
    const socket = new winsock.Socket();
    const close = track(() => socket.close());
    try {
      await socket.connect(address);
      let sent = 0;
      if (typeof socket.write === 'function') {
        socket.on('error', () => {}); // reported by the final send() below instead
        while (sent + CHUNK < total) {
          sent += CHUNK;
          if (!socket.write(chunk)) await once(socket, 'drain');
        }
      }
      // The last chunk (or all of them): send() resolves once the bytes, and
      // so all written before them, went to the stack.
      for (; sent < total; sent += CHUNK) await socket.send(chunk);
      socket.shutdown('send');
      while ((await socket.recv()).length > 0); // the server's EOF: it has read everything
      return 0;
    } finally {
      close();
    }
  },

  async node({ address, total }) {
    const socket = net.connect({ host: address.address, port: address.port });
    const close = track(() => socket.destroy());
    try {
      await once(socket, 'connect');
      for (let sent = 0; sent < total; sent += CHUNK) {
        if (!socket.write(chunk)) await once(socket, 'drain');
      }
      socket.end();
      socket.resume();
      await once(socket, 'close');
      return 0;
    } finally {
      close();
    }
  },
};

// Counts bytes to EOF; resolves with { bytes, seconds }.
async function serveWinsock() {
  const listener = winsockListener();
  const served = (async () => {
    const socket = await listener.accept();
    const close = track(() => socket.close());
    const start = performance.now();
    let bytes = 0;
    try {
      if (typeof socket.startReading === 'function') {
        await new Promise((resolve, reject) => {
          socket.startReading((data) => { bytes += data.length; }, (error) => (error ? reject(error) : resolve()));
        });
      } else {
        for (let data; (data = await socket.recv(RECV_SIZE)).length > 0;) bytes += data.length;
      }
      return { bytes, seconds: (performance.now() - start) / 1000 };
    } finally {
      close(); // our EOF tells the client we are done
    }
  })();
  served.catch(() => {}); // awaited by run(); this only keeps an early failure from being unhandled
  return { address: listener.localAddress(), served, close: () => listener.close() };
}

async function serveNode() {
  let finish;
  let fail;
  const served = new Promise((resolve, reject) => { finish = resolve; fail = reject; });
  const server = await nodeListener((socket) => {
    const start = performance.now();
    let bytes = 0;
    socket.on('data', (data) => { bytes += data.length; });
    socket.on('error', fail);
    socket.on('end', () => finish({ bytes, seconds: (performance.now() - start) / 1000 })); // allowHalfOpen false: ends ours too
  });
  const { port } = server.address();
  return { address: { address: '127.0.0.1', port }, served, close: () => server.close() };
}

// Which winsock paths this build offers (shown in the table).
function note() {
  const probe = new winsock.Socket();
  const paths = `${typeof probe.write === 'function' ? 'write()' : 'send()'} -> ` +
    `${typeof probe.startReading === 'function' ? 'startReading()' : `recv(${RECV_SIZE})`}`;
  probe.close();
  return paths;
}

module.exports = {
  name: 'tcp-bulk',
  unit: 'MiB/s',
  better: 'higher',
  note,
  roles,
  anchor: ({ shape, quick, scale = 1 }) => runLoop(['tcp-bulk', totalBytes(quick, scale), shape]).then((f) => f.value),
  async run({ impl, shape, quick, scale = 1 }) {
    const total = totalBytes(quick, scale);
    const server = impl === 'winsock' ? await serveWinsock() : await serveNode();
    try {
      await runClient(shape, 'tcp-bulk', impl, { address: server.address, total });
      const { bytes, seconds } = await server.served;
      if (bytes !== total) throw new Error(`received ${bytes} bytes of ${total}`);
      return bytes / (1024 * 1024) / seconds;
    } finally {
      server.close();
    }
  },
};
