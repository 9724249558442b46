'use strict';
// The addon must never crash on anything JS can pass it: every method of the
// native socket is called with wrong, huge, negative and missing arguments,
// and each call either throws an Error or returns a value or Promise.
const assert = require('node:assert/strict');
const { binding } = require('../dist/native');
const { constants } = require('..');

const VALUES = [
  undefined, null, true, 0, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31) - 1, 2 ** 53,
  '', 'x', '127.0.0.1', '::1', '\u0000', 'a'.repeat(300), {}, [], { address: 1 },
  { address: '127.0.0.1', port: -5 }, { address: '127.0.0.1', port: 70000 }, { address: 'nope', port: 1 },
  { address: '127.0.0.1', port: 1, flowinfo: 'x' }, Buffer.alloc(0), Buffer.alloc(4), new Uint16Array(3),
  new ArrayBuffer(8), () => {}, Symbol('s'), 10n,
];

const METHODS = [
  'bind', 'listen', 'accept', 'connect', 'send', 'recv', 'sendTo', 'recvFrom', 'waitUrgent', 'cancel',
  'shutdown', 'setsockopt', 'getsockopt', 'bytesAvailable', 'atMark', 'setKeepAlive', 'startReading',
  'stopReading', 'activitySlot', 'sendMsg', 'recvMsg', 'share', 'sendToMany',
];

function attempt(fn) {
  try {
    const result = fn();
    if (result && typeof result.then === 'function') result.catch(() => {});
    return null;
  } catch (error) {
    return error;
  }
}

describe('the addon, given anything JS can pass', () => {
  for (const method of METHODS) {
    it(`answers ${method}() with wrong arguments by an Error, never a crash`, async () => {
      for (const family of [constants.AF_INET, constants.AF_INET6]) {
        for (const type of [constants.SOCK_STREAM, constants.SOCK_DGRAM]) {
          for (const first of VALUES) {
            for (const second of [undefined, 0, 'x', Buffer.alloc(2), { address: '127.0.0.1', port: 0 }]) {
              const socket = new binding.NativeSocket(family, type, 0);
              const error = attempt(() => socket[method](first, second, first));
              if (error !== null) assert.ok(error instanceof Error, `${method} threw ${typeof error}`);
              socket.close();
            }
          }
        }
      }
      await new Promise((resolve) => setImmediate(resolve));
    });
  }

  it('refuses to open a socket of a nonsense family, type or protocol with the stack\'s error', () => {
    for (const args of [[-1, 1, 0], [9999, 1, 0], [constants.AF_INET, 9999, 0], [constants.AF_INET, constants.SOCK_STREAM, 9999], ['x'], [{}]]) {
      const error = attempt(() => new binding.NativeSocket(...args).close());
      assert.ok(error instanceof Error, `new NativeSocket(${args}) did not throw`);
    }
  });

  it('takes no socket an accept made when JS calls the constructor with no arguments', async () => {
    const listener = new binding.NativeSocket(constants.AF_INET, constants.SOCK_STREAM, 0);
    const client = new binding.NativeSocket(constants.AF_INET, constants.SOCK_STREAM, 0);
    let accepted = null;
    try {
      listener.bind({ address: '127.0.0.1', port: 0 });
      listener.listen(8);
      [accepted] = await Promise.all([listener.accept(), client.connect(listener.localAddress())]);
      const error = attempt(() => new binding.NativeSocket().close());
      assert.ok(error instanceof Error, 'new NativeSocket() made a socket');
      assert.equal(await accepted.send(Buffer.from('ok')), 2, 'the accepted socket no longer sends');
    } finally {
      accepted?.close();
      client.close();
      listener.close();
    }
  });

  it('refuses to adopt bytes that are not a transferred socket', () => {
    for (const bytes of [new ArrayBuffer(0), new ArrayBuffer(3), new Uint8Array([255, 255, 255, 127]).buffer]) {
      const error = attempt(() => new binding.NativeSocket(bytes).close());
      assert.ok(error instanceof Error);
    }
  });

  it('refuses shared bytes, descriptors and pairs that are not what they claim, with an Error', () => {
    for (const args of [['shared', Buffer.alloc(3)], ['shared', 'x'], ['descriptor', -1], ['descriptor', 2 ** 40],
      ['descriptor', 'x'], ['nonsense', 1]]) {
      const error = attempt(() => new binding.NativeSocket(...args).close());
      assert.ok(error instanceof Error, `new NativeSocket(${args.map(String)}) did not throw`);
    }
    for (const args of [[-1, 1, 0], ['x', {}, []], [constants.AF_INET6, 9999, 0]]) {
      const error = attempt(() => binding.NativeSocket.pair(...args).forEach((socket) => socket.close()));
      assert.ok(error instanceof Error, `pair(${args}) did not throw`);
    }
  });

  it('leaves a descriptor that is not a socket open when refusing to take it over', function () {
    if (binding.backend !== 'posix') this.skip();
    const fs = require('node:fs');
    const fd = fs.openSync(__filename, 'r');
    try {
      assert.throws(() => new binding.NativeSocket('descriptor', fd), { code: 'ENOTSOCK' });
      assert.ok(fs.fstatSync(fd).isFile(), 'the file is still open');
    } finally {
      fs.closeSync(fd);
    }
  });

  it('answers every method after close with an Error', () => {
    const socket = new binding.NativeSocket(constants.AF_INET, constants.SOCK_STREAM, 0);
    socket.close();
    socket.close();
    for (const method of METHODS) {
      const error = attempt(() => socket[method]({ address: '127.0.0.1', port: 1 }, 0, 0));
      if (method !== 'cancel' && method !== 'stopReading' && method !== 'activitySlot') {
        assert.ok(error instanceof Error, `${method} after close did not throw`);
      }
    }
    assert.equal(socket.fd, -1);
  });
});
