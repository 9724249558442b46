'use strict';
// The level of each typed option comes from the addon's constants. Under
// MSVC, an #ifdef-guarded table once lost IPPROTO_TCP (an enum value in the
// Windows SDK) and TCP_NODELAY went to SOL_SOCKET as option 1, SO_DEBUG.
const assert = require('node:assert/strict');
const { constants } = require('..');
const { OPTIONS } = require('../dist/socket/options');
const { optionsWithout } = require('./support/options-without');

// A native socket that records every call that would reach the stack.
function recordingSocket() {
  const calls = [];
  return {
    calls,
    setsockopt: (...args) => { calls.push(['setsockopt', ...args]); },
    getsockopt: (...args) => { calls.push(['getsockopt', ...args]); return Buffer.alloc(4); },
  };
}

describe('socket option levels', () => {
  it('are all exported by the addon on this platform', () => {
    for (const [name, { level }] of Object.entries(OPTIONS)) {
      assert.equal(typeof constants[level], 'number', `${name} needs constants.${level}`);
    }
    for (const level of ['IPPROTO_TCP', 'IPPROTO_UDP', 'IPPROTO_IPV6', 'IPPROTO_ICMP', 'IPPROTO_ICMPV6', 'IPPROTO_RAW']) {
      assert.equal(typeof constants[level], 'number', level);
    }
  });

  it('refuse an option whose level is missing, without asking SOL_SOCKET instead', () => {
    const { setOption, getOption } = optionsWithout('IPPROTO_TCP');
    const socket = recordingSocket();
    const refused = { code: 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM', message: /TCP_NODELAY.*IPPROTO_TCP/ };
    assert.throws(() => setOption(socket, 'TCP_NODELAY', true), refused);
    assert.throws(() => getOption(socket, 'TCP_NODELAY'), refused);
    assert.deepEqual(socket.calls, []);
    // The other levels still work in that copy.
    setOption(socket, 'SO_KEEPALIVE', true);
    assert.deepEqual(socket.calls, [['setsockopt', constants.SOL_SOCKET, constants.SO_KEEPALIVE, 1]]);
  });
});
