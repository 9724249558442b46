'use strict';
const assert = require('node:assert/strict');
const { SocketError } = require('../..');
const { useSockets } = require('../support/sockets');
const { describeWinsock } = require('./support');

describeWinsock('Winsock error codes', () => {
  const { make } = useSockets();

  /** A loopback port nobody listens on: bound (so it stays free of others), not listening. */
  function closedPort() {
    return make().bind({ address: '127.0.0.1', port: 0 }).localAddress().port;
  }

  it('reports a refused connect as ECONNREFUSED with errno 10061 and wsaName WSAECONNREFUSED', async () => {
    const port = closedPort();
    const client = make();
    await assert.rejects(client.connect({ address: '127.0.0.1', port }), (error) => {
      assert.ok(error instanceof SocketError);
      assert.equal(error.code, 'ECONNREFUSED');
      assert.equal(error.errno, 10061);
      assert.equal(error.wsaName, 'WSAECONNREFUSED');
      assert.equal(error.syscall, 'ConnectEx');
      assert.equal(error.address, '127.0.0.1');
      assert.equal(error.port, port);
      assert.match(error.message, new RegExp(`^ConnectEx ECONNREFUSED 127\\.0\\.0\\.1:${port}`));
      return true;
    });
  });

  it('reports a taken port as EADDRINUSE with errno 10048 and wsaName WSAEADDRINUSE', () => {
    const owner = make().bind({ address: '127.0.0.1', port: 0 }).listen();
    const { port } = owner.localAddress();
    assert.throws(() => make().bind({ address: '127.0.0.1', port }), (error) => {
      assert.ok(error instanceof SocketError);
      assert.equal(error.code, 'EADDRINUSE');
      assert.equal(error.errno, 10048);
      assert.equal(error.wsaName, 'WSAEADDRINUSE');
      assert.equal(error.syscall, 'bind');
      return true;
    });
  });

  it('connects an unbound socket by binding it to the wildcard first, as ConnectEx needs', async () => {
    const server = make().bind({ address: '127.0.0.1', port: 0 }).listen();
    const client = make();
    const [accepted] = await Promise.all([server.accept(), client.connect(server.localAddress())]);
    try {
      assert.equal(client.state, 'connected');
      assert.equal(client.localAddress().port, accepted.remoteAddress().port);
      assert.notEqual(client.localAddress().port, 0);
    } finally {
      accepted.close();
    }
  });
});
