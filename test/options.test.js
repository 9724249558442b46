'use strict';
// The typed options of the API contract, table-driven: for each, read the
// default, set a different value, and read it back.
const assert = require('node:assert/strict');
const { backend, constants, SocketError } = require('..');
const { useSockets } = require('./support/sockets');

// option -> { types, families, value(default) -> a value to set, same(set, got) }
const OPTIONS = {
  SO_REUSEADDR: { types: ['stream', 'dgram'] },
  SO_REUSEPORT: { types: ['stream', 'dgram'], only: 'SO_REUSEPORT' },
  SO_EXCLUSIVEADDRUSE: { types: ['stream', 'dgram'], only: 'SO_EXCLUSIVEADDRUSE' },
  SO_KEEPALIVE: { types: ['stream'] },
  SO_BROADCAST: { types: ['dgram'], families: ['inet'] },
  SO_OOBINLINE: { types: ['stream'] },
  TCP_NODELAY: { types: ['stream'] },
  IPV6_V6ONLY: { types: ['stream', 'dgram'], families: ['inet6'] },
  IP_MULTICAST_LOOP: { types: ['dgram'], families: ['inet'] },
  IP_PKTINFO: { types: ['dgram'], families: ['inet'] },
  IPV6_RECVPKTINFO: { types: ['dgram'], families: ['inet6'] },
  IP_RECVTOS: { types: ['dgram'], families: ['inet'] },
  IP_RECVTTL: { types: ['dgram'], families: ['inet'] },
  SO_TIMESTAMPNS: { types: ['dgram'], only: 'SO_TIMESTAMPNS' },
  SO_RCVBUF: { types: ['stream', 'dgram'], value: () => 32768, same: (set, got) => got >= set },
  SO_SNDBUF: { types: ['stream', 'dgram'], value: () => 32768, same: (set, got) => got >= set },
  IP_TTL: { types: ['stream', 'dgram'], families: ['inet'], value: () => 42 },
  IP_TOS: { types: ['stream', 'dgram'], families: ['inet'], value: () => 0x20 },
  IP_MULTICAST_TTL: { types: ['dgram'], families: ['inet'], value: () => 7 },
  SO_LINGER: { types: ['stream'], value: () => ({ enabled: true, seconds: 5 }) },
};

describe('typed socket options', () => {
  const { make } = useSockets();

  for (const [name, spec] of Object.entries(OPTIONS)) {
    for (const type of spec.types) {
      for (const family of spec.families ?? ['inet', 'inet6']) {
        if (spec.only && constants[spec.only] === undefined) {
          it(`fails ${name} on a ${family} ${type} socket as the stack does, where the platform lacks it`, () => {
            const socket = make({ family, type });
            assert.throws(() => socket.setOption(name, true), (error) => error instanceof SocketError && error.code === 'ENOPROTOOPT');
            assert.throws(() => socket.getOption(name), { code: 'ENOPROTOOPT' });
          });
          continue;
        }
        it(`round-trips ${name} on a ${family} ${type} socket`, () => {
          const socket = make({ family, type });
          const before = socket.getOption(name);
          const value = spec.value ? spec.value(before) : !before;
          assert.notDeepEqual(before, value, 'the test must set a value other than the default');
          socket.setOption(name, value);
          const after = socket.getOption(name);
          if (spec.same) assert.ok(spec.same(value, after), `${name}: set ${value}, got ${after}`);
          else assert.deepEqual(after, value);
        });
      }
    }
  }

  it('reads SO_TYPE as the socket type', () => {
    assert.equal(make().getOption('SO_TYPE'), 'stream');
    assert.equal(make({ type: 'dgram' }).getOption('SO_TYPE'), 'dgram');
  });

  it('reads SO_ERROR as null on a healthy socket', () => {
    assert.equal(make().getOption('SO_ERROR'), null);
  });

  it('refuses to set a read-only option', () => {
    assert.throws(() => make().setOption('SO_TYPE', 1), { code: 'ERR_INVALID_ARG_VALUE' });
  });

  it('throws ERR_UNKNOWN_OPTION for a name not in the table', () => {
    assert.throws(() => make().setOption('SO_NONSENSE', true), (e) => e instanceof TypeError && e.code === 'ERR_UNKNOWN_OPTION');
    assert.throws(() => make().getOption('TCP_FASTEST'), { code: 'ERR_UNKNOWN_OPTION' });
  });

  it('checks the value type of each option', () => {
    const socket = make();
    assert.throws(() => socket.setOption('TCP_NODELAY', 1), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => socket.setOption('SO_RCVBUF', '1'), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => socket.setOption('SO_RCVBUF', -1), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => socket.setOption('SO_LINGER', true), { code: 'ERR_INVALID_ARG_TYPE' });
  });

  it('sets and gets raw options with the platform constants', () => {
    const socket = make();
    socket.setsockopt(constants.IPPROTO_TCP, constants.TCP_NODELAY, 1);
    assert.notEqual(socket.getsockopt(constants.IPPROTO_TCP, constants.TCP_NODELAY).readInt32LE(0), 0);
    socket.setsockopt(constants.SOL_SOCKET, constants.SO_RCVBUF, Buffer.from(new Int32Array([65536]).buffer));
    assert.ok(socket.getsockopt(constants.SOL_SOCKET, constants.SO_RCVBUF).readInt32LE(0) >= 65536);
  });

  it('exports the platform numbers for the raw calls', () => {
    for (const name of ['AF_INET', 'AF_INET6', 'SOCK_STREAM', 'SOCK_DGRAM', 'SOL_SOCKET', 'SO_REUSEADDR',
      'IPPROTO_TCP', 'TCP_NODELAY', 'IPPROTO_IP', 'IP_TTL', 'IPPROTO_IPV6', 'IPV6_V6ONLY', 'MSG_OOB', 'MSG_PEEK']) {
      assert.equal(typeof constants[name], 'number', name);
    }
    assert.notEqual(constants.AF_INET, constants.AF_INET6);
  });

  it('turns keep-alive on with its timing', () => {
    const socket = make();
    socket.setKeepAlive(true, { idleMs: 30000, intervalMs: 5000, count: 4 });
    assert.equal(socket.getOption('SO_KEEPALIVE'), true);
    if (backend === 'posix') {
      // Readable back on POSIX (in seconds); SIO_KEEPALIVE_VALS is write-only.
      const tcp = (name) => socket.getsockopt(constants.IPPROTO_TCP, constants[name]).readInt32LE(0);
      assert.equal(tcp(constants.TCP_KEEPIDLE !== undefined ? 'TCP_KEEPIDLE' : 'TCP_KEEPALIVE'), 30);
      assert.equal(tcp('TCP_KEEPINTVL'), 5);
      assert.equal(tcp('TCP_KEEPCNT'), 4);
    }
    socket.setKeepAlive(false);
    assert.equal(socket.getOption('SO_KEEPALIVE'), false);
  });
});
