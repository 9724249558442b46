'use strict';
const assert = require('node:assert/strict');
const { once } = require('node:events');
const { SocketError, backend } = require('..');
const { useSockets } = require('./support/sockets');
const { itExceptUnderWine } = require('./support/wine');

describe('urgent (out-of-band) data', () => {
  const { pair } = useSockets();

  async function readAll(socket, total) {
    const reads = [];
    let length = 0;
    while (length < total) {
      const chunk = await socket.recv();
      if (chunk.length === 0) break;
      reads.push(chunk.toString());
      length += chunk.length;
    }
    return reads;
  }

  it('signals urgent data, reads it out of band, and keeps the stream in order around the mark', async () => {
    const [client, server] = await pair();
    const urgent = once(server, 'urgent');
    await client.send('abc');
    await client.send('X', { oob: true });
    await client.send('def');
    await urgent;
    assert.equal((await server.recv(1, { oob: true })).toString(), 'X');
    const reads = await readAll(server, 6);
    assert.equal(reads.join(''), 'abcdef');
    assert.equal(reads[0], 'abc', 'the urgent mark must split the reads');
  });

  it('treats only the last byte of an urgent send as urgent', async () => {
    const [client, server] = await pair();
    const urgent = once(server, 'urgent');
    await client.send('XY', { oob: true });
    await urgent;
    assert.equal((await server.recv(1, { oob: true })).toString(), 'Y');
    assert.equal((await readAll(server, 1)).join(''), 'X');
  });

  it('delivers the urgent byte inline with SO_OOBINLINE', async () => {
    const [client, server] = await pair();
    server.setOption('SO_OOBINLINE', true);
    await client.send('abc');
    await client.send('X', { oob: true });
    await client.send('def');
    assert.equal((await readAll(server, 7)).join(''), 'abcXdef');
  });

  if (backend === 'posix') {
    // Winsock cannot signal urgent data on an SO_OOBINLINE socket
    // (recv(MSG_OOB) is refused there, as its documentation says).
    it('still signals urgent data with SO_OOBINLINE on POSIX', async () => {
      const [client, server] = await pair();
      server.setOption('SO_OOBINLINE', true);
      const urgent = once(server, 'urgent');
      await client.send('X', { oob: true });
      await urgent;
      assert.equal((await readAll(server, 1)).join(''), 'X');
    });
  }

  it('fails recv({ oob }) with the stack\'s own error when nothing urgent waits', async () => {
    const [client, server] = await pair();
    await client.send('plain');
    await assert.rejects(server.recv(1, { oob: true }), (error) => {
      assert.ok(error instanceof SocketError);
      assert.ok(['EINVAL', 'EAGAIN'].includes(error.code), `unexpected ${error.code}`);
      return true;
    });
    assert.equal((await readAll(server, 5)).join(''), 'plain');
  });

  it('reports the read position at the urgent mark with atMark(), in the BSD sense', async () => {
    const [client, server] = await pair();
    const urgent = once(server, 'urgent');
    await client.send('abc');
    await client.send('X', { oob: true });
    await urgent;
    assert.equal(server.atMark(), false, 'data before the mark is still to be read');
    assert.equal((await server.recv(3)).toString(), 'abc');
    assert.equal(server.atMark(), true);
    await client.send('def');
    assert.equal((await server.recv(3)).toString(), 'def');
    assert.equal(server.atMark(), false, 'the read position has moved past the mark');
  });

  itExceptUnderWine('SIOCATMARK answers in the BSD sense there, where Windows answers "no urgent data waits"',
    'reports the mark with atMark() when no urgent listener took the byte', async () => {
      const [client, server] = await pair();
      assert.equal(server.atMark(), false, 'no urgent data at all');
      await client.send('X', { oob: true });
      while (server.bytesAvailable() === 0 && !server.atMark()) await new Promise((resolve) => setTimeout(resolve, 5));
      assert.equal(server.atMark(), true, 'the urgent byte is next');
    });
});
