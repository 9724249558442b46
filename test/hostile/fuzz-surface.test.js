'use strict';
// A seeded fuzz of the whole public surface: every method, in every state
// a socket can be in, with hostile arguments (BigInt, null-prototype
// objects, Proxies, detached views, throwing getters, huge numbers...).
// Every call either works or fails with an Error that carries a `code`;
// argument errors are TypeError/RangeError with Node's ERR_* codes; every
// Promise settles once the sockets are closed. Addresses are loopback only.
const assert = require('node:assert/strict');
const { Socket, IdleReaper, Server, codec, underWine } = require('../..');
const { mulberry32 } = require('../support/random');

// Thrown by the hostile values themselves (a Proxy trap, a getter): such an
// error passes through, as it does through any Node API.
class Hostile extends Error {}

function detachedView() {
  const view = new Uint8Array(8);
  structuredClone(view.buffer, { transfer: [view.buffer] });
  return view;
}

function detachedBuffer() {
  const buffer = new ArrayBuffer(8);
  structuredClone(buffer, { transfer: [buffer] });
  return buffer;
}

const throwing = () => new Proxy({}, { get() { throw new Hostile('trap'); }, has() { throw new Hostile('trap'); } });
const nullProto = (fields) => Object.assign(Object.create(null), fields);

/** Values of every kind, a fresh one per call where identity matters. */
const VALUES = [
  () => undefined, () => null, () => true, () => false, () => 0, () => -0, () => -1, () => 1.5, () => NaN,
  () => Infinity, () => -Infinity, () => 2 ** 31, () => 2 ** 31 - 1, () => -(2 ** 31) - 1, () => 2 ** 32, () => 2 ** 53,
  () => Number.MAX_VALUE, () => 0n, () => 10n, () => -1n, () => 2n ** 64n,
  () => '', () => 'x', () => '127.0.0.1', () => '::1', () => 'nope', () => '\u0000', () => 'a'.repeat(300),
  () => 'SO_LINGER', () => 'TCP_NODELAY', () => 'int32', () => '>I', () => 'hello', () => '__proto__', () => 'constructor',
  () => Symbol('s'), () => () => {}, () => async () => {}, () => class {},
  () => ({}), () => [], () => [1, 2], () => nullProto({}), () => nullProto({ address: '127.0.0.1', port: 0 }),
  () => ({ address: '127.0.0.1', port: 0 }), () => ({ address: '::1', port: 1 }), () => ({ address: 1, port: 1 }),
  () => ({ address: '127.0.0.1', port: -5 }), () => ({ address: '127.0.0.1', port: 70000 }), () => ({ address: '127.0.0.1', port: 9n }),
  () => ({ address: '127.0.0.1', port: 9, flowinfo: 'x' }), () => ({ path: 5 }), () => ({ timeout: 2 ** 31 }), () => ({ timeout: -1 }),
  () => ({ signal: 'no' }), () => ({ oob: 'yes', flags: 1n }), () => ({ size: 0 }), () => ({ enabled: 1n, seconds: 'x' }),
  () => ({ family: 'inet6' }), () => ({ family: 1n }), () => ({ type: nullProto({}) }), () => ({ timeout: 10 }), () => ({ interval: -1 }),
  () => ({ maxFrameSize: 0xffffffff }), () => ({ maxFrameSize: -1 }), () => ({ encoding: 'nope' }), () => ({ align: 'x' }),
  () => ({ graceful: 'x' }), () => ({ port: 0, address: '127.0.0.1', backlog: -1 }), () => ({ x: 'int32' }), () => ({ x: 'char[8]' }),
  () => new Proxy({ address: '127.0.0.1', port: 0 }, {}), throwing, () => ({ get address() { throw new Hostile('getter'); }, port: 0 }),
  () => Buffer.alloc(0), () => Buffer.alloc(4), () => Buffer.from('abc'), () => new Uint16Array(3), () => new Float64Array(2),
  () => new DataView(new ArrayBuffer(4)), () => new ArrayBuffer(8), () => new SharedArrayBuffer(8), () => new Uint8Array(new SharedArrayBuffer(4)),
  detachedView, detachedBuffer, () => new Proxy(new Uint8Array(4), {}), () => new Date(0), () => /x/, () => new Map(),
  () => new AbortController().signal, () => AbortSignal.abort(), () => Promise.resolve(1),
];

function pick(random, list) {
  return list[Math.floor(random() * list.length)];
}

function args(random, count) {
  return Array.from({ length: count }, () => pick(random, VALUES)());
}

/** Sockets in each state, made fresh for a round and closed after it. */
async function fixtures(track) {
  const listening = track(new Socket()).bind({ address: '127.0.0.1', port: 0 }).listen();
  const client = track(new Socket());
  const [accepted] = await Promise.all([listening.accept(), client.connect(listening.localAddress())]);
  track(accepted);
  const closed = new Socket();
  closed.close();
  return [
    track(new Socket()),
    track(new Socket({ family: 'inet6' })),
    track(new Socket()).bind({ address: '127.0.0.1', port: 0 }),
    listening,
    client,
    accepted,
    track(new Socket({ type: 'dgram' })).bind({ address: '127.0.0.1', port: 0 }),
    track(new Socket({ type: 'dgram' })),
    closed,
  ];
}

const SOCKET_METHODS = [
  'bind', 'listen', 'accept', 'connect', 'send', 'recv', 'sendTo', 'recvFrom', 'shutdown', 'close', 'closeWith', 'detach',
  'localAddress', 'remoteAddress', 'setOption', 'getOption', 'setsockopt', 'getsockopt', 'setKeepAlive', 'addMembership',
  'dropMembership', 'atMark', 'bytesAvailable', 'sendMessage', 'messages', 'startReading', 'stopReading', 'write', 'on', 'once',
  'off', 'removeAllListeners',
];

/** One call of the surface with hostile arguments: the kind of target, then the call. */
const CALLS = [
  ...SOCKET_METHODS.map((name) => [`socket.${name}`, (random, sockets) => {
    const socket = pick(random, sockets);
    const argv = args(random, Math.floor(random() * 4));
    if (name === 'addMembership' || name === 'dropMembership') {
      // Never a real multicast group: no traffic may leave loopback.
      if (typeof argv[0] === 'string' && /^(2[2-3]\d\.|ff)/i.test(argv[0])) argv[0] = 'nope';
    }
    if (name === 'messages') {
      const iterator = socket.messages(...argv);
      return iterator.next();
    }
    return socket[name](...argv);
  }]),
  ['new Socket', (random) => new Socket(...args(random, 1)).close()],
  ['Socket.adopt', (random) => Socket.adopt(...args(random, 1))],
  ['new IdleReaper', (random) => new IdleReaper(...args(random, 1)).close()],
  ['reaper.add/delete', (random, sockets) => {
    const reaper = new IdleReaper({ timeout: 1000 });
    try {
      const argv = args(random, 1);
      reaper.add(random() < 0.5 ? pick(random, sockets) : argv[0]);
      reaper.delete(argv[0]);
    } finally {
      reaper.close();
    }
  }],
  ['new Server', (random) => new Server(...args(random, 2))],
  ['codec.pack', (random) => codec.pack(...args(random, 1 + Math.floor(random() * 3)))],
  ['codec.unpack', (random) => codec.unpack(...args(random, 1 + Math.floor(random() * 3)))],
  ['codec.calcsize', (random) => codec.calcsize(...args(random, 1))],
  ['codec.packInto', (random) => codec.packInto(...args(random, 2 + Math.floor(random() * 3)))],
  ['new codec.Struct', (random) => new codec.Struct(...args(random, 1))],
  ['codec.record', (random) => codec.record(...args(random, 2))],
  ['record.encode', (random) => codec.record({ x: 'int32', name: 'char[4]' }).encode(...args(random, 1))],
  ['record.decode', (random) => codec.record({ x: 'int64' }).decode(...args(random, 1))],
  ['codec.toChar', (random) => codec.toChar(...args(random, 2))],
  ['codec.fromChar', (random) => codec.fromChar(...args(random, 2))],
  ['registry.register', (random) => new codec.MessageRegistry().register(...args(random, 3))],
  ['registry.encode', (random) => new codec.MessageRegistry().register(1, codec.record({ x: 'uint8' })).encode(...args(random, 2))],
  ['registry.decode', (random) => new codec.MessageRegistry().decode(...args(random, 1))],
  ['FrameDecoder.push', (random) => new codec.FrameDecoder(...args(random, 1)).push(...args(random, 1))],
  ['FrameDecoder 4 GB header', () => {
    // A 4 GB frame header under the largest limit.
    const decoder = new codec.FrameDecoder({ maxFrameSize: 0xffffffff });
    return decoder.push(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 1]));
  }],
];

/** What is wrong with one outcome, or null. */
function judge(error) {
  if (error instanceof Hostile) return null;
  if (!(error instanceof Error)) return `threw a non-Error: ${typeof error}`;
  if (typeof error.code !== 'string') return `${error.constructor.name} without a code: ${error.message}`;
  if ((error instanceof TypeError || error instanceof RangeError) && !error.code.startsWith('ERR_')) {
    return `${error.constructor.name} with code ${error.code}: ${error.message}`;
  }
  return null;
}

describe('the public surface, fuzzed with hostile arguments', () => {
  const calls = underWine ? 2000 : 10000;

  it(`answers ${calls} seeded calls with a result or an Error with a code, and settles every Promise`, async function () {
    this.timeout(300000);
    const random = mulberry32(Number(process.env.FUZZ_SEED ?? 0x5eed));
    const bad = [];
    let made = 0;
    while (made < calls) {
      const open = [];
      const track = (socket) => (open.push(socket), socket);
      const sockets = await fixtures(track);
      const promises = [];
      for (let i = 0; i < 50 && made < calls; i++, made++) {
        const [label, call] = pick(random, CALLS);
        try {
          const result = call(random, sockets);
          if (result && typeof result.then === 'function') {
            promises.push(Promise.resolve(result).then(() => null, (error) => judge(error)).then((problem) => problem && `${label}: ${problem}`));
          }
        } catch (error) {
          const problem = judge(error);
          if (problem) bad.push(`${label}: ${problem}`);
        }
      }
      for (const socket of open) socket.close();
      const settled = await Promise.race([
        Promise.all(promises),
        new Promise((resolve) => setTimeout(() => resolve(null), 10000)),
      ]);
      if (settled === null) bad.push('a Promise never settled after its socket was closed');
      else bad.push(...settled.filter(Boolean));
    }
    const unique = [...new Set(bad)];
    assert.equal(bad.length, 0, `${bad.length} bad outcomes in ${calls} calls, e.g.:\n${unique.slice(0, Number(process.env.FUZZ_SHOW ?? 25)).join('\n')}`);
  });
});
