'use strict';
const assert = require('node:assert/strict');
const { useSockets } = require('./support/sockets');

describe('datagram sockets', () => {
  const { make, datagram } = useSockets();

  it('sends to and receives from an address, and reports the sender', async () => {
    const receiver = datagram();
    const sender = datagram();
    assert.equal(await sender.sendTo('hello', receiver.localAddress()), 5);
    const { data, address, truncated } = await receiver.recvFrom();
    assert.equal(data.toString(), 'hello');
    assert.equal(truncated, false);
    assert.deepEqual(address, sender.localAddress());
  });

  it('reports a datagram longer than the recv size as truncated', async () => {
    const receiver = datagram();
    const sender = datagram();
    await sender.sendTo(Buffer.alloc(100, 7), receiver.localAddress());
    const { data, truncated } = await receiver.recvFrom(10);
    assert.equal(data.length, 10);
    assert.equal(truncated, true);
  });

  it('keeps datagram boundaries', async () => {
    const receiver = datagram();
    const sender = datagram();
    for (const text of ['one', 'two', 'three']) await sender.sendTo(text, receiver.localAddress());
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await receiver.recvFrom()).data.toString());
    assert.deepEqual(got, ['one', 'two', 'three']);
  });

  it('lets the stack bind an unbound socket on its first sendTo', async () => {
    const receiver = datagram();
    const sender = make({ type: 'dgram' });
    assert.equal(sender.state, 'created');
    await sender.sendTo('x', receiver.localAddress());
    assert.equal(sender.state, 'bound');
    const { address } = await receiver.recvFrom();
    assert.equal(address.port, sender.localAddress().port);
  });

  it('works over IPv6 loopback', async () => {
    const receiver = datagram('inet6');
    const sender = datagram('inet6');
    await sender.sendTo('six', receiver.localAddress());
    const { data, address } = await receiver.recvFrom();
    assert.equal(data.toString(), 'six');
    assert.equal(address.family, 'inet6');
    assert.equal(address.address, '::1');
  });

  it('sends and receives on a connected datagram socket', async () => {
    const receiver = datagram();
    const sender = datagram();
    await sender.connect(receiver.localAddress());
    assert.equal(sender.state, 'connected');
    await sender.send('direct');
    assert.equal((await receiver.recv()).toString(), 'direct');
  });
});
