'use strict';
// A datagram longer than the read completes that read once, truncated, and
// the reads after it get the datagrams after it: Winsock queues a packet
// for a receive that fails at once with WSAEMSGSIZE, so an operation that
// took that failure for its end would complete twice.
const assert = require('node:assert/strict');
const { useSockets } = require('../support/sockets');

describe('truncated datagrams', () => {
  const { datagram } = useSockets();

  it('complete each read once, and the next read gets the next datagram', async () => {
    const receiver = datagram();
    const sender = datagram();
    for (let round = 0; round < 20; round++) {
      await sender.sendTo(`long datagram ${round}`, receiver.localAddress());
      await sender.sendTo(`next ${round}`, receiver.localAddress());
      const long = await receiver.recvFrom(4);
      assert.deepEqual([long.data.toString(), long.truncated], ['long', true]);
      const next = await receiver.recvFrom(64);
      assert.deepEqual([next.data.toString(), next.truncated], [`next ${round}`, false]);
    }
    // Whatever the stack still had queued for those reads is gone: a last
    // exchange goes through untouched.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sender.sendTo('last', receiver.localAddress());
    assert.equal((await receiver.recvFrom(64)).data.toString(), 'last');
  });

  it('does the same with recv() on a connected datagram socket', async () => {
    const receiver = datagram();
    const sender = datagram();
    await receiver.connect(sender.localAddress());
    for (let round = 0; round < 20; round++) {
      await sender.sendTo(`long datagram ${round}`, receiver.localAddress());
      await sender.sendTo(`next ${round}`, receiver.localAddress());
      assert.equal((await receiver.recv(4)).toString(), 'long');
      assert.equal((await receiver.recv(64)).toString(), `next ${round}`);
    }
  });
});
