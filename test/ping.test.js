'use strict';
// examples/ping.js: an ICMP echo over a raw socket, and IP_HDRINCL in the
// typed option table. Raw sockets need privileges (the suite runs as root
// in CI); without them each case skips and says so.
const assert = require('node:assert/strict');
const { Socket, constants } = require('..');
const { ping, checksum, echoRequest, icmpOf } = require('../examples/ping');
const { useSockets } = require('./support/sockets');

function rawSocket(make) {
  try {
    return make({ family: 'inet', type: 'raw', protocol: constants.IPPROTO_ICMP });
  } catch (error) {
    if (error.code === 'EPERM' || error.code === 'EACCES') return null;
    throw error;
  }
}

describe('a raw-socket ping', () => {
  const { make } = useSockets();

  it('gets an ICMP echo reply from loopback for each request', async function () {
    if (rawSocket(make) === null) {
      this.test.title += ' (skipped: raw sockets need root or CAP_NET_RAW)';
      this.skip();
    }
    const replies = await ping('127.0.0.1', 3);
    assert.deepEqual(replies.map((reply) => reply.sequence), [1, 2, 3]);
    assert.deepEqual(replies.map((reply) => reply.payload), ['winsock ping 1', 'winsock ping 2', 'winsock ping 3']);
    for (const reply of replies) assert.ok(reply.ttl > 0);
  });

  it('builds echo requests whose checksum verifies', () => {
    const request = echoRequest(0x1234, 7, Buffer.from('abc'));
    assert.equal(request[0], 8);
    assert.equal(checksum(request), 0);
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    assert.deepEqual({ ...icmpOf(Buffer.concat([ip, request])), payload: undefined },
      { type: 8, code: 0, id: 0x1234, sequence: 7, payload: undefined });
  });

  it('reads and sets IP_HDRINCL on a raw socket', function () {
    const socket = rawSocket(make);
    if (socket === null) {
      this.test.title += ' (skipped: raw sockets need root or CAP_NET_RAW)';
      this.skip();
    }
    assert.equal(socket.getOption('IP_HDRINCL'), false);
    socket.setOption('IP_HDRINCL', true);
    assert.equal(socket.getOption('IP_HDRINCL'), true);
  });

  it('is a Socket of type raw', function () {
    const socket = rawSocket(make);
    if (socket === null) this.skip();
    assert.ok(socket instanceof Socket);
    assert.equal(socket.getOption('SO_TYPE'), 'raw');
  });
});
