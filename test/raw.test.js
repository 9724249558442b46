'use strict';
const assert = require('node:assert/strict');
const { Socket, SocketError, constants } = require('..');

describe('raw sockets', () => {
  it('open with privileges, or fail with the stack\'s own EPERM/EACCES as a SocketError', () => {
    let socket;
    try {
      socket = new Socket({ type: 'raw', protocol: constants.IPPROTO_ICMP });
    } catch (error) {
      assert.ok(error instanceof SocketError);
      assert.ok(['EPERM', 'EACCES'].includes(error.code), `unexpected ${error.code}`);
      assert.ok(['socket', 'WSASocketW'].includes(error.syscall), error.syscall);
      return;
    }
    try {
      assert.equal(socket.type, 'raw');
      assert.equal(socket.getOption('SO_TYPE'), 'raw');
    } finally {
      socket.close();
    }
  });
});
