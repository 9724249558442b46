'use strict';
// A continuous read of a datagram socket (startReading): every datagram a
// chunk of its own, whole and in order, however many the stack has queued
// (on Linux one recvmmsg takes up to 32 of them); and when the read stops
// in the middle of such a batch, the datagrams it took and did not deliver
// go to the socket's next reads, with their senders, before anything newer.
const assert = require('node:assert/strict');
const { backend } = require('..');
const { useSockets } = require('./support/sockets');

/** `count` datagrams of different lengths (the first one empty), from `senders` in turn. */
async function sendBurst(receiver, senders, count) {
  const sent = [];
  for (let i = 0; i < count; i++) {
    const sender = senders[i % senders.length];
    const data = i === 0 ? Buffer.alloc(0) : Buffer.from(`datagram ${i} `.padEnd(10 + ((i * 37) % 300), String(i % 10)));
    await sender.sendTo(data, receiver.localAddress());
    sent.push({ data, port: sender.localAddress().port });
  }
  return sent;
}

/** Starts reading and resolves with the first `count` chunks; stops after them when `stop`. */
function readChunks(socket, count, { stop = false } = {}) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    socket.startReading((chunk) => {
      chunks.push(Buffer.from(chunk));
      if (chunks.length < count) return;
      if (stop) socket.stopReading();
      resolve(chunks);
    }, (error) => reject(error ?? new Error(`the read ended after ${chunks.length} datagrams`)));
  });
}

/**
 * Waits until what was sent to the receiver is queued there: a peek sees
 * the first, and loopback queues each datagram, in order, within the
 * sendto that sent it.
 */
async function queued(receiver) {
  await receiver.recvFrom(2048, { peek: true });
}

describe('a continuous read of a datagram socket', () => {
  const { datagram } = useSockets();

  it('gets every datagram of a burst whole and in order, the empty one too', async () => {
    const receiver = datagram();
    receiver.setOption('SO_RCVBUF', 1 << 20);
    const sent = await sendBurst(receiver, [datagram()], 100);
    await queued(receiver);
    const chunks = await readChunks(receiver, sent.length, { stop: true });
    assert.deepEqual(chunks.map((chunk) => chunk.toString()), sent.map(({ data }) => data.toString()));
  });

  it('gets datagrams that arrive one at a time, each after the one before was read', async () => {
    const receiver = datagram();
    const sender = datagram();
    const got = [];
    let next;
    const ended = new Promise((resolve, reject) => {
      receiver.startReading((chunk) => {
        got.push(chunk.toString());
        next?.();
        if (got.length === 20) {
          receiver.stopReading();
          resolve();
        }
      }, reject);
    });
    for (let i = 0; i < 20; i++) {
      const read = new Promise((resolve) => { next = resolve; });
      await sender.sendTo(`one ${i}`, receiver.localAddress());
      await read;
    }
    await ended;
    assert.deepEqual(got, Array.from({ length: 20 }, (_, i) => `one ${i}`));
  });

  it('ends with the ECONNREFUSED that comes after a datagram it took, on a connected socket', async () => {
    const receiver = datagram();
    const peer = datagram();
    await receiver.connect(peer.localAddress());
    const got = [];
    const ended = new Promise((resolve) => {
      receiver.startReading((chunk) => {
        got.push(chunk.toString());
        // The read waits again after this short batch: then the port
        // closes, and the ICMP port unreachable of the next send comes in
        // while it waits.
        setImmediate(() => {
          peer.close();
          receiver.send('anyone there?');
        });
      }, resolve);
    });
    await peer.sendTo('before the error', receiver.localAddress());
    const error = await ended;
    assert.deepEqual(got, ['before the error']);
    assert.equal(error?.code, 'ECONNREFUSED');
  });

  it('gives the datagrams it had taken when stopped to the next recvFrom calls, each with its sender', async () => {
    const receiver = datagram();
    const senders = [datagram(), datagram()];
    const sent = await sendBurst(receiver, senders, 10);
    await queued(receiver);
    const delivered = await readChunks(receiver, 3, { stop: true });
    assert.deepEqual(delivered.map(String), sent.slice(0, 3).map(({ data }) => data.toString()));
    for (const expected of sent.slice(3)) {
      const { data, address } = await receiver.recvFrom(2048);
      assert.deepEqual([data.toString(), address.port], [expected.data.toString(), expected.port]);
    }
    // Nothing was given twice: the next datagram is a new one.
    await senders[0].sendTo('after', receiver.localAddress());
    assert.equal((await receiver.recvFrom(2048)).data.toString(), 'after');
  });

  it('starts again after such a stop with the datagrams it had taken, though nothing new arrives', async () => {
    const receiver = datagram();
    const sent = await sendBurst(receiver, [datagram()], 10);
    await queued(receiver);
    await readChunks(receiver, 4, { stop: true });
    const rest = await readChunks(receiver, 6, { stop: true });
    assert.deepEqual(rest.map(String), sent.slice(4).map(({ data }) => data.toString()));
  });

  it('refuses to be detached while it keeps such datagrams (EBUSY), and still gives them to recvFrom', async function () {
    if (backend === 'winsock') {
      this.test.title += ' (skipped: each datagram is a WSARecv of its own on Winsock, so a stop leaves none kept)';
      this.skip();
    }
    const receiver = datagram();
    const sent = await sendBurst(receiver, [datagram()], 5);
    await queued(receiver);
    await readChunks(receiver, 1, { stop: true });
    assert.throws(() => receiver.detach(), { code: 'EBUSY' });
    assert.equal((await receiver.recvFrom(2048)).data.toString(), sent[1].data.toString());
  });

  it('gives a recvMsg after such a stop the control data of the datagram it had taken (IP_PKTINFO)', async () => {
    const receiver = datagram();
    receiver.setOption('IP_PKTINFO', true);
    const sender = datagram();
    await sendBurst(receiver, [sender], 3);
    await queued(receiver);
    await readChunks(receiver, 1, { stop: true });
    const message = await receiver.recvMsg();
    const info = message.control.find((item) => item.kind === 'packetInfo');
    assert.equal(info?.address, '127.0.0.1', `control: ${JSON.stringify(message.control)}`);
    assert.deepEqual(message.address, sender.localAddress());
  });

  it('lets a peek see the first datagram it had taken and leave it first in line', async () => {
    const receiver = datagram();
    const sent = await sendBurst(receiver, [datagram()], 6);
    await queued(receiver);
    await readChunks(receiver, 2, { stop: true });
    const peeked = await receiver.recvFrom(2048, { peek: true });
    const taken = await receiver.recvFrom(2048);
    assert.deepEqual([peeked.data.toString(), taken.data.toString()], [sent[2].data.toString(), sent[2].data.toString()]);
    assert.equal((await receiver.recvFrom(2048)).data.toString(), sent[3].data.toString());
  });

  it('truncates each datagram of a batch to its size as recv does (Winsock: ends with WSAEMSGSIZE, as WSARecv does)', async () => {
    const receiver = datagram();
    const sender = datagram();
    for (const text of ['a long first datagram', 'a second long one', 'short']) await sender.sendTo(text, receiver.localAddress());
    await queued(receiver);
    const outcome = await new Promise((resolve) => {
      const got = [];
      receiver.startReading((chunk) => {
        got.push(chunk.toString());
        if (got.length === 3) {
          receiver.stopReading();
          resolve({ got });
        }
      }, (error) => resolve({ got, error }), { size: 6 });
    });
    if (backend === 'winsock') assert.equal(outcome.error?.code, 'EMSGSIZE');
    else assert.deepEqual(outcome, { got: ['a long', 'a seco', 'short'] });
  });

  it('drops the datagrams it had taken when closed from its onData, and the socket is closed', async () => {
    const receiver = datagram();
    await sendBurst(receiver, [datagram()], 10);
    await queued(receiver);
    let delivered = 0;
    await new Promise((resolve) => {
      receiver.startReading(() => {
        delivered++;
        receiver.close();
        resolve();
      });
    });
    assert.equal(delivered, 1);
    await assert.rejects(receiver.recvFrom(2048), { code: 'ERR_SOCKET_STATE' });
  });
});
