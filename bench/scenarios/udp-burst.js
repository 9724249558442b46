'use strict';
// UDP burst: 64-byte datagrams sent one way as fast as the sender can;
// the receiver counts what it is given. winsock: sendTo() and a datagram
// socket read with startReading(); node: dgram send() and 'message'.
// Metrics: datagrams delivered per second, from the first send to the last
// arrival, and the share of those sent that arrived (loopback drops what
// the receiver's buffer cannot hold). Measured from the first send, not
// from the first arrival: a receiver that only runs once the sender is
// done delivers the few its buffer kept, at its own pace, and that is not
// a delivery rate of the burst. Times are absolute (timeOrigin + now), as
// the sender may be another process.
const now = () => performance.timeOrigin + performance.now();
const dgram = require('node:dgram');
const { once } = require('node:events');
const { runLoop, LOOPBACK, winsock, runClient, track } = require('../harness');

const SIZE = 64;
const message = Buffer.alloc(SIZE, 0x75);
const BATCH = 256;

/** How many datagrams a run sends. */
const datagrams = (quick, scale = 1) => (quick ? 2000 : Math.round(1000000 * scale));

const roles = {
  async winsock({ address, count }) {
    const socket = new winsock.Socket({ type: 'dgram' });
    const close = track(() => socket.close());
    try {
      socket.setOption('SO_SNDBUF', 4 * 1024 * 1024);
      const started = now();
      for (let sent = 0; sent < count; sent += BATCH) {
        const sends = [];
        for (let i = 0; i < BATCH && sent + i < count; i++) sends.push(socket.sendTo(message, address));
        await Promise.all(sends);
      }
      return started;
    } finally {
      close();
    }
  },

  async node({ address, count }) {
    const socket = dgram.createSocket({ type: 'udp4', sendBufferSize: 4 * 1024 * 1024 });
    const close = track(() => socket.close());
    try {
      const started = now();
      for (let sent = 0; sent < count; sent += BATCH) {
        const sends = [];
        for (let i = 0; i < BATCH && sent + i < count; i++) {
          sends.push(new Promise((resolve, reject) => socket.send(message, address.port, address.address, (error) => (error ? reject(error) : resolve()))));
        }
        await Promise.all(sends);
      }
      return started;
    } finally {
      close();
    }
  },
};

/** A receiver that counts datagrams and notes when the last came. */
async function receiver(impl) {
  const stats = { count: 0, last: 0 };
  const note = () => {
    stats.count++;
    stats.last = now();
  };
  if (impl === 'winsock') {
    const socket = new winsock.Socket({ type: 'dgram' }).bind({ address: LOOPBACK, port: 0 });
    track(() => socket.close());
    socket.setOption('SO_RCVBUF', 4 * 1024 * 1024);
    socket.startReading(note);
    return { stats, address: socket.localAddress(), close: () => socket.close() };
  }
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  track(() => socket.close());
  socket.on('message', note);
  socket.bind(0, LOOPBACK);
  await once(socket, 'listening');
  return { stats, address: { address: LOOPBACK, port: socket.address().port }, close: () => socket.close() };
}

module.exports = {
  name: 'udp-burst',
  note: ({ quick, scale = 1 }) => `${datagrams(quick, scale)} datagrams of ${SIZE} B one way`,
  metrics: [
    { key: 'rate', unit: 'delivered/s', better: 'higher' },
    { key: 'share', unit: '% delivered', better: 'higher' },
  ],
  roles,
  // The C loop's sender is always a child: with the sender in the reader's
  // own thread, what it measures is how that one thread splits its time.
  anchorUnavailable: ({ shape }) => (shape === 'same' ? 'the C sender runs in a child only' : null),
  anchor: ({ quick, scale = 1 }) => runLoop(['udp-burst', datagrams(quick, scale), 'child']),
  async run({ impl, shape, quick, scale = 1 }) {
    const count = datagrams(quick, scale);
    const sink = await receiver(impl);
    try {
      const started = await runClient(shape, 'udp-burst', impl, { address: sink.address, count });
      // What is still in flight arrives within a few quiet turns.
      for (let seen = -1; seen !== sink.stats.count;) {
        seen = sink.stats.count;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const { count: received, last } = sink.stats;
      if (received === 0) throw new Error(`none of ${count} datagrams arrived`);
      return { rate: received / ((last - started) / 1000), share: (100 * received) / count };
    } finally {
      sink.close();
    }
  },
};
