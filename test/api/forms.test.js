'use strict';
// One rule for the form of every error: a method that returns a Promise
// never throws (its errors are rejections, as in node:fs/promises), and a
// synchronous one throws. Every method is called in every state, with good
// arguments and with bad ones; a call the state forbids fails with a
// SocketStateError, a bad argument with a TypeError or RangeError and
// Node's code, whatever the form.
const assert = require('node:assert/strict');
const { Socket, SocketStateError, codec, constants } = require('../..');
const { ALLOWED } = require('../../dist/socket/state');
const { useSockets } = require('../support/sockets');

const LOOP = { address: '127.0.0.1', port: 0 };
const registry = new codec.MessageRegistry().register(1, codec.record({ x: 'uint8' }));

// [method, returns a Promise, the lifecycle operation it needs (null: any state), good args, bad args]
const METHODS = [
  ['accept', true, 'accept', () => [], () => [null]],
  ['connect', true, 'connect', (peer) => [peer], () => [{ address: 1, port: 1 }]],
  ['send', true, 'send', () => ['x'], () => [12345]],
  ['recv', true, 'recv', () => [1], () => [-1]],
  ['sendTo', true, 'sendTo', (peer) => ['x', peer], () => ['x', { address: 5, port: 1 }]],
  ['recvFrom', true, 'recvFrom', () => [1], () => [1.5]],
  ['sendMsg', true, 'sendMsg', (peer) => ['x', { address: peer }], () => ['x', { control: 'x' }]],
  ['recvMsg', true, 'recvMsg', () => [1], () => [1.5]],
  ['share', false, 'detach', () => [process.pid], () => ['x']],
  ['sendMessage', true, 'send', () => [registry, 1, { x: 1 }], () => [{}, 1, {}]],
  ['end', true, 'send', () => [], () => [12345]],
  ['bind', false, 'bind', () => [LOOP], () => [{ address: '127.0.0.1', port: -1 }]],
  ['listen', false, 'listen', () => [], () => ['x']],
  ['shutdown', false, 'shutdown', () => ['send'], () => ['sideways']],
  ['close', false, null, () => [], null],
  ['setOption', false, 'setOption', () => ['SO_RCVBUF', 32768], () => ['SO_RCVBUF', 'big']],
  ['getOption', false, 'getOption', () => ['SO_TYPE'], () => ['NOPE']],
  ['setsockopt', false, 'setsockopt', () => [constants.SOL_SOCKET, constants.SO_RCVBUF, 32768], () => ['x', 1, 1]],
  ['getsockopt', false, 'getsockopt', () => [constants.SOL_SOCKET, constants.SO_TYPE], () => [constants.SOL_SOCKET, constants.SO_TYPE, 0]],
  ['setKeepAlive', false, 'setKeepAlive', () => [true], () => ['yes']],
  ['addMembership', false, 'setsockopt', null, () => ['not-a-group']],
  ['dropMembership', false, 'setsockopt', null, () => ['not-a-group']],
  ['atMark', false, 'atMark', () => [], null],
  ['bytesAvailable', false, 'bytesAvailable', () => [], null],
  ['localAddress', false, 'localAddress', () => [], null],
  ['remoteAddress', false, 'remoteAddress', () => [], null],
  ['startReading', false, 'read', () => [() => {}], () => ['x']],
  ['stopReading', false, null, () => [], null],
  ['write', false, 'send', () => ['x'], () => [12345]],
  ['detach', false, 'detach', () => [], null],
];

const STATES = {
  stream: ['created', 'bound', 'listening', 'connected', 'closed'],
  datagram: ['created', 'bound', 'connected', 'closed'],
};

const ARGUMENT_CODES = new Set(['ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE', 'ERR_OUT_OF_RANGE', 'ERR_UNKNOWN_OPTION']);

/** How a call went: thrown, or returned (a value or a Promise, and how the Promise settled within a tick). */
async function outcomeOf(call) {
  let returned;
  try {
    returned = call();
  } catch (error) {
    return { form: 'thrown', error };
  }
  if (returned === null || typeof returned?.then !== 'function') return { form: 'value' };
  returned.catch(() => {});  // a good call may stay pending until teardown
  const early = await Promise.race([
    returned.then(() => ({ settled: 'resolved' }), (error) => ({ settled: 'rejected', error })),
    new Promise((resolve) => setImmediate(resolve, { settled: 'pending' })),
  ]);
  return { form: 'promise', ...early };
}

describe('the form of every error', () => {
  const { make, track, listener } = useSockets();

  /** A socket of `kind` in `state`, and an address it may use as a peer. */
  async function socketIn(kind, state) {
    const type = kind === 'stream' ? 'stream' : 'dgram';
    const peerSocket = kind === 'stream' ? listener() : make({ type: 'dgram' }).bind(LOOP);
    const peer = peerSocket.localAddress();
    const socket = make({ type });
    if (state === 'bound') socket.bind(LOOP);
    if (state === 'listening') socket.bind(LOOP).listen();
    if (state === 'connected') {
      if (kind === 'stream') {
        const [accepted] = await Promise.all([peerSocket.accept(), socket.connect(peer)]);
        track(accepted);
      } else {
        await socket.connect(peer);
      }
    }
    if (state === 'closed') socket.close();
    return { socket, peer };
  }

  for (const [method, returnsPromise, operation, good, bad] of METHODS) {
    for (const [kind, states] of Object.entries(STATES)) {
      for (const state of states) {
        const allowed = operation === null || ALLOWED[kind][state].has(operation);
        for (const [label, args] of [['good', good], ['bad', bad]]) {
          if (args === null) continue;
          const expected = !allowed ? 'a SocketStateError' : label === 'bad' ? 'an argument error' : 'no usage error';
          it(`${returnsPromise ? 'rejects' : 'throws'} from ${method}() with ${label} arguments on a ${kind} socket ${state}: ${expected}`, async () => {
            const { socket, peer } = await socketIn(kind, state);
            const outcome = await outcomeOf(() => {
              const result = socket[method](...args(peer));
              // A detached socket is still open: adopt it to close it.
              if (method === 'detach') Socket.adopt(result).close();
              return result;
            });
            if (returnsPromise) assert.equal(outcome.form, 'promise', `${method}() threw instead of rejecting: ${outcome.error?.message}`);
            else assert.notEqual(outcome.form, 'promise', `${method}() returned a Promise`);
            const { error } = outcome;
            if (!allowed) {
              assert.ok(error instanceof SocketStateError, `${method}() in state ${state}: ${error?.message ?? outcome.settled}`);
              assert.equal(error.code, 'ERR_SOCKET_STATE');
              assert.equal(error.state, state);
            } else if (label === 'bad') {
              assert.ok(error instanceof TypeError || error instanceof RangeError, `${method}(bad): ${error?.message ?? outcome.settled}`);
              assert.ok(ARGUMENT_CODES.has(error.code), `${method}(bad) has code ${error.code}`);
            } else if (error !== undefined) {
              assert.ok(!(error instanceof SocketStateError) && !ARGUMENT_CODES.has(error.code),
                `${method}(good) in state ${state} failed with ${error.code}: ${error.message}`);
            }
          });
        }
      }
    }
  }

  it('covers every public method of Socket', () => {
    const own = Object.getOwnPropertyNames(Socket.prototype).filter((name) => {
      const descriptor = Object.getOwnPropertyDescriptor(Socket.prototype, name);
      return typeof descriptor.value === 'function' && name !== 'constructor';
    });
    const events = ['on', 'once', 'off', 'addListener', 'removeListener', 'removeAllListeners', 'prependListener',
      'prependOnceListener', 'closeWith', 'messages', 'stream'];
    const untested = own.filter((name) => !METHODS.some(([method]) => method === name) && !events.includes(name));
    assert.deepEqual(untested, []);
  });
});
