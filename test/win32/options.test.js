'use strict';
const assert = require('node:assert/strict');
const { constants } = require('../..');
const { useSockets } = require('../support/sockets');
const { describeWinsock } = require('./support');

describeWinsock('Winsock socket options', () => {
  const { make, listener, pair } = useSockets();

  it('exports the Windows numbers for the keep-alive and exclusive-address options', () => {
    assert.equal(constants.TCP_KEEPIDLE, 3);
    assert.equal(constants.TCP_KEEPALIVE, 3);
    assert.equal(constants.TCP_KEEPINTVL, 17);
    assert.equal(constants.TCP_KEEPCNT, 16);
    assert.equal(constants.SO_EXCLUSIVEADDRUSE, ~constants.SO_REUSEADDR);
    assert.equal(constants.SHUT_WR, 1);
    assert.equal(constants.SIZEOF_LINGER, 4, 'struct linger is two u_shorts on Windows');
  });

  it('keeps a port with SO_EXCLUSIVEADDRUSE: a second bind fails with EADDRINUSE or EACCES', () => {
    const owner = make().setOption('SO_EXCLUSIVEADDRUSE', true);
    assert.equal(owner.getOption('SO_EXCLUSIVEADDRUSE'), true);
    owner.bind({ address: '127.0.0.1', port: 0 }).listen();
    const { port } = owner.localAddress();
    // Windows documents WSAEADDRINUSE for a plain second bind, and WSAEACCES
    // when the second socket asks for SO_REUSEADDR.
    // https://learn.microsoft.com/windows/win32/winsock/using-so-exclusiveaddruse
    for (const reuse of [false, true]) {
      const intruder = make();
      if (reuse) intruder.setOption('SO_REUSEADDR', true);
      assert.throws(() => intruder.bind({ address: '127.0.0.1', port }), (error) => {
        assert.ok(['EADDRINUSE', 'EACCES'].includes(error.code), `got ${error.code}`);
        assert.ok([10048, 10013].includes(error.errno), `got errno ${error.errno}`);
        assert.equal(error.wsaName, error.errno === 10048 ? 'WSAEADDRINUSE' : 'WSAEACCES');
        assert.equal(error.syscall, 'bind');
        return true;
      });
    }
  });

  it('sets the keep-alive times through SIO_KEEPALIVE_VALS', async () => {
    const [client] = await pair();
    client.setKeepAlive(true, { idleMs: 1500, intervalMs: 500 });
    assert.equal(client.getOption('SO_KEEPALIVE'), true);
    // The probe count is TCP_KEEPCNT where the system has it; where it has
    // not (Wine, older Windows) that one refusal is not an error.
    client.setKeepAlive(true, { idleMs: 2000, intervalMs: 1000, count: 4 });
    client.setKeepAlive(true, { intervalMs: 700 });
    client.setKeepAlive(false);
    assert.equal(client.getOption('SO_KEEPALIVE'), false);
  });

  it('reads BOOL options back as booleans even where Winsock writes one byte', () => {
    const socket = make({ family: 'inet6' });
    for (const value of [true, false, true]) {
      socket.setOption('TCP_NODELAY', value).setOption('IPV6_V6ONLY', value);
      assert.equal(socket.getOption('TCP_NODELAY'), value);
      assert.equal(socket.getOption('IPV6_V6ONLY'), value);
    }
  });

  it('round-trips SO_LINGER through its u_short fields', () => {
    const socket = listener();
    socket.setOption('SO_LINGER', { enabled: true, seconds: 7 });
    assert.deepEqual(socket.getOption('SO_LINGER'), { enabled: true, seconds: 7 });
    socket.setOption('SO_LINGER', { enabled: false, seconds: 0 });
    assert.equal(socket.getOption('SO_LINGER').enabled, false);
  });
});
