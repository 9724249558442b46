'use strict';
const assert = require('node:assert/strict');
const os = require('node:os');
const { Socket, SocketError, constants, backend } = require('..');
const { useSockets, SYSCALL } = require('./support/sockets');

// The raw number each backend keeps: Winsock's WSA codes, or errno.
const RAW = backend === 'winsock'
  ? { ECONNREFUSED: 10061, EADDRINUSE: 10048, EADDRNOTAVAIL: 10049, ENOPROTOOPT: 10042 }
  : os.constants.errno;

describe('errors', () => {
  const { make, listener } = useSockets();

  it('rejects a connect to a closed port with ECONNREFUSED, its errno, syscall and address', async () => {
    const probe = listener();
    const { port } = probe.localAddress();
    probe.close();
    const client = make();
    const error = await client.connect({ address: '127.0.0.1', port }).then(() => null, (e) => e);
    assert.ok(error instanceof SocketError, `expected a SocketError, got ${error}`);
    assert.equal(error.code, 'ECONNREFUSED');
    assert.equal(error.syscall, SYSCALL.connect);
    assert.equal(error.errno, RAW.ECONNREFUSED);
    assert.equal(error.address, '127.0.0.1');
    assert.equal(error.port, port);
    assert.equal(error.message, `${SYSCALL.connect} ECONNREFUSED 127.0.0.1:${port}`);
    assert.equal(client.state, 'closed');
  });

  it('refuses to bind a port that is taken with EADDRINUSE', () => {
    const taken = listener();
    const second = make();
    assert.throws(() => second.bind(taken.localAddress()), (error) => {
      assert.ok(error instanceof SocketError);
      assert.equal(error.code, 'EADDRINUSE');
      assert.equal(error.errno, RAW.EADDRINUSE);
      assert.equal(error.syscall, SYSCALL.bind);
      assert.equal(error.port, taken.localAddress().port);
      return true;
    });
    assert.equal(second.state, 'created');
  });

  it('refuses to bind an address that is not on this machine with EADDRNOTAVAIL', () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to a host; no packet is sent.
    const socket = make();
    assert.throws(() => socket.bind({ address: '192.0.2.1', port: 0 }),
      (error) => error.code === 'EADDRNOTAVAIL' && error.errno === RAW.EADDRNOTAVAIL &&
        error.syscall === SYSCALL.bind);
  });

  it('throws ERR_INVALID_ARG_TYPE for arguments of the wrong type before any system call', () => {
    const socket = make();
    const cases = [
      () => socket.bind(42),
      () => socket.bind({ address: 127001, port: 0 }),
      () => socket.bind({ address: '127.0.0.1', port: '80' }),
      () => new Socket({ family: 'inet', protocol: 'tcp' }),
      () => socket.setsockopt('SOL_SOCKET', 1, 1),
    ];
    for (const attempt of cases) {
      assert.throws(attempt, (error) => error instanceof TypeError && error.code === 'ERR_INVALID_ARG_TYPE');
    }
    assert.equal(socket.state, 'created');
  });

  it('throws ERR_OUT_OF_RANGE for numbers out of range before any system call', async () => {
    const socket = make();
    assert.throws(() => socket.bind({ address: '127.0.0.1', port: 65536 }),
      (error) => error instanceof RangeError && error.code === 'ERR_OUT_OF_RANGE');
    assert.throws(() => socket.bind({ address: '127.0.0.1', port: -1 }), { code: 'ERR_OUT_OF_RANGE' });
    const client = make();
    const server = listener();
    await client.connect(server.localAddress());
    await assert.rejects(client.recv(-1), { code: 'ERR_OUT_OF_RANGE' });
    await assert.rejects(client.recv(1.5), { code: 'ERR_OUT_OF_RANGE' });
  });

  it('throws ERR_INVALID_ARG_VALUE for an unknown family or type', () => {
    assert.throws(() => new Socket({ family: 'ipx' }), { code: 'ERR_INVALID_ARG_VALUE' });
    assert.throws(() => new Socket({ type: 'seqpacket' }), { code: 'ERR_INVALID_ARG_VALUE' });
  });

  it('throws ERR_INVALID_IP_ADDRESS for text that is no IP address', () => {
    const socket = make();
    assert.throws(() => socket.bind({ address: 'localhost', port: 0 }), { code: 'ERR_INVALID_IP_ADDRESS' });
    assert.throws(() => socket.bind({ address: '::1', port: 0 }), { code: 'ERR_INVALID_IP_ADDRESS' });
  });

  it('names an error code the same way for every backend while keeping the raw number', () => {
    const socket = make();
    const error = (() => {
      try {
        socket.setsockopt(constants.SOL_SOCKET, 0x7ffe, 1);
      } catch (e) {
        return e;
      }
      return null;
    })();
    assert.ok(error instanceof SocketError);
    assert.equal(error.code, 'ENOPROTOOPT');
    assert.equal(error.syscall, 'setsockopt');
    assert.equal(error.errno, RAW.ENOPROTOOPT);
  });
});
