'use strict';
const assert = require('node:assert/strict');
const { useSockets } = require('./support/sockets');

describe('datagram extras', () => {
  const { make, datagram } = useSockets();

  it('surfaces ECONNREFUSED on a connected datagram socket after the port was unreachable', async () => {
    const gone = datagram();
    const address = gone.localAddress();
    gone.close();
    const socket = datagram();
    await socket.connect(address);
    // The ICMP port-unreachable arrives after the send. Stacks report it in
    // different places: a pending recv (Linux, Windows), or SO_ERROR and the
    // next call (Wine). Either is the stack's ECONNREFUSED.
    const pending = socket.recv().then(() => 'data', (error) => error.code);
    await socket.send('anyone?');
    let reported = null;
    for (let i = 0; i < 200 && reported === null; i++) {
      reported = await Promise.race([pending, new Promise((resolve) => setTimeout(resolve, 10, null))]);
      if (reported === null) reported = socket.getOption('SO_ERROR');
    }
    assert.equal(reported, 'ECONNREFUSED');
  });

  it('allows broadcast only after SO_BROADCAST is set', () => {
    const socket = make({ type: 'dgram' });
    assert.equal(socket.getOption('SO_BROADCAST'), false);
    socket.setOption('SO_BROADCAST', true);
    assert.equal(socket.getOption('SO_BROADCAST'), true);
  });

  it('joins a multicast group on loopback, receives from it, and leaves it', async function () {
    const group = '239.255.42.99';
    const receiver = make({ type: 'dgram' });
    receiver.setOption('SO_REUSEADDR', true);
    receiver.bind({ address: '0.0.0.0', port: 0 });
    try {
      receiver.addMembership(group, '127.0.0.1');
    } catch (error) {
      // Loopback without the MULTICAST flag (some containers): the platform does not allow it.
      if (['ENODEV', 'EADDRNOTAVAIL', 'ENOPROTOOPT'].includes(error.code)) {
        this.test.title += ` (skipped: loopback multicast unavailable here, ${error.code})`;
        this.skip();
      }
      throw error;
    }
    const sender = make({ type: 'dgram' });
    sender.setOption('IP_MULTICAST_LOOP', true);
    sender.setsockopt(require('..').constants.IPPROTO_IP, require('..').constants.IP_MULTICAST_IF, Buffer.from([127, 0, 0, 1]));
    await sender.sendTo('to the group', { address: group, port: receiver.localAddress().port });
    const { data } = await receiver.recvFrom();
    assert.equal(data.toString(), 'to the group');
    receiver.dropMembership(group, '127.0.0.1');
  });

  it('refuses a malformed multicast group before any system call', () => {
    const socket = make({ type: 'dgram' });
    assert.throws(() => socket.addMembership('not-an-ip'), { code: 'ERR_INVALID_ARG_VALUE' });
    assert.throws(() => make({ family: 'inet6', type: 'dgram' }).addMembership('::ffff:1.2.3.4'), { code: 'ERR_INVALID_ARG_VALUE' });
  });
});
