'use strict';
const assert = require('node:assert/strict');
const { SocketError } = require('..');
const { useSockets } = require('./support/sockets');

describe('closing a socket', () => {
  const { make, listener, pair } = useSockets();

  it('rejects a pending recv with ERR_SOCKET_CLOSED', async () => {
    const [client] = await pair();
    const pending = client.recv();
    client.close();
    await assert.rejects(pending, (error) => error instanceof SocketError &&
      error.code === 'ERR_SOCKET_CLOSED' && error.syscall === 'recv');
  });

  it('rejects a pending accept with ERR_SOCKET_CLOSED', async () => {
    const server = listener();
    const pending = server.accept();
    server.close();
    await assert.rejects(pending, { code: 'ERR_SOCKET_CLOSED', syscall: 'accept' });
  });

  it('rejects several pending operations of each kind exactly once', async () => {
    const [client] = await pair();
    const server = listener();
    const pending = [client.recv(), client.recv(10), server.accept(), server.accept()];
    client.close();
    server.close();
    const outcomes = await Promise.allSettled(pending);
    assert.deepEqual(outcomes.map((o) => o.status), ['rejected', 'rejected', 'rejected', 'rejected']);
    assert.ok(outcomes.every((o) => o.reason.code === 'ERR_SOCKET_CLOSED'));
  });

  it('closes, from a chunk callback, a socket whose bytes came in the same turn, which then gets none', async () => {
    const [aWriter, a] = await pair();
    const [bWriter, b] = await pair();
    const chunks = [];
    let closed = null;
    const reader = (name, other) => () => {
      chunks.push(name);
      if (closed === null) {
        closed = other;
        other.close();
      }
    };
    a.startReading(reader('a', b));
    b.startReading(reader('b', a));
    // Both reads wait for the loop; then both sockets become readable
    // before it polls again, so one poll reports the two of them.
    await new Promise(setImmediate);
    await Promise.all([aWriter.send('to a'), bWriter.send('to b')]);
    while (chunks.length === 0) await new Promise(setImmediate);
    for (let turn = 0; turn < 5; turn++) await new Promise(setImmediate);
    assert.equal(chunks.length, 1, `chunks went to ${chunks.join(', ')}`);
    assert.equal(closed.state, 'closed');
  });

  it('is idempotent and emits close once', () => {
    const socket = make();
    let closes = 0;
    socket.on('close', () => closes++);
    socket.close();
    socket.close();
    assert.equal(closes, 1);
    assert.equal(socket.state, 'closed');
    assert.equal(socket.fd, -1);
  });

  it('refuses every call but close once closed, with ERR_SOCKET_STATE', async () => {
    const socket = make();
    socket.close();
    assert.throws(() => socket.bind({ address: '127.0.0.1', port: 0 }), { code: 'ERR_SOCKET_STATE', state: 'closed' });
    assert.throws(() => socket.getOption('SO_TYPE'), { code: 'ERR_SOCKET_STATE' });
    assert.throws(() => socket.localAddress(), { code: 'ERR_SOCKET_STATE' });
    await assert.rejects(socket.connect({ address: '127.0.0.1', port: 1 }), { code: 'ERR_SOCKET_STATE' });
  });

  it('still lets the peer see EOF after a close with data in flight', async () => {
    const [client, server] = await pair();
    await client.send('last words');
    client.close();
    assert.equal((await server.recv()).toString(), 'last words');
    assert.equal((await server.recv()).length, 0);
  });

  it('leaks no descriptors over many open, connect and close cycles', async () => {
    const server = listener();
    const before = server.fd;
    for (let i = 0; i < 50; i++) {
      const client = make();
      const [accepted] = await Promise.all([server.accept(), client.connect(server.localAddress())]);
      const reading = accepted.recv();
      client.close();
      await reading;
      accepted.close();
    }
    const probe = make();
    // Descriptor numbers are reused lowest-first on POSIX; on Windows SOCKETs
    // are handles, so only the fact that a socket can still be made is checked.
    assert.ok(probe.fd >= 0);
    if (process.platform !== 'win32') assert.ok(probe.fd <= before + 3, `fd ${probe.fd} grew from ${before}`);
  });
});
