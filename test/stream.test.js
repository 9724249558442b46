'use strict';
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { useSockets } = require('./support/sockets');

describe('stream sockets', () => {
  const { pair, readExactly, readToEnd } = useSockets();

  it('carries 10 MB each way through one connection with every byte intact', async () => {
    const [client, server] = await pair();
    const size = 10 * 1024 * 1024;
    const up = crypto.randomBytes(size);
    const down = crypto.randomBytes(size);
    const [, , receivedUp, receivedDown] = await Promise.all([
      client.send(up),
      server.send(down),
      readExactly(server, size),
      readExactly(client, size),
    ]);
    assert.ok(receivedUp.equals(up), 'client to server bytes differ');
    assert.ok(receivedDown.equals(down), 'server to client bytes differ');
  });

  it('resolves send with the byte count only when all of it was handed over', async () => {
    const [client, server] = await pair();
    const data = crypto.randomBytes(3 * 1024 * 1024);
    const reading = readToEnd(server);
    assert.equal(await client.send(data), data.length);
    client.shutdown('send');
    assert.ok((await reading).equals(data));
  });

  it('gives an empty Buffer at EOF and marks the socket not readable', async () => {
    const [client, server] = await pair();
    assert.equal(server.readable, true);
    client.close();
    const data = await server.recv();
    assert.equal(data.length, 0);
    assert.equal(server.readable, false);
    assert.equal(server.state, 'connected');
  });

  it('works over IPv6 loopback', async () => {
    const [client, server] = await pair('inet6');
    assert.equal(client.remoteAddress().family, 'inet6');
    assert.equal(client.remoteAddress().address, '::1');
    await client.send('six');
    assert.equal((await server.recv()).toString(), 'six');
  });

  it('sends strings in the encoding asked for', async () => {
    const [client, server] = await pair();
    await client.send('cafe', { encoding: 'hex' });
    assert.deepEqual([...(await readExactly(server, 2))], [0xca, 0xfe]);
  });
});
