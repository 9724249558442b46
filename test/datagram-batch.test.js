'use strict';
// The sendTo() calls of one turn go out together (lib/socket/datagram-batch.ts,
// sendmmsg on Linux): each still settles as a lone call would, in order, with
// the bytes it was given at the call.
const assert = require('node:assert/strict');
const diagnosticsChannel = require('node:diagnostics_channel');
const { binding } = require('../dist/native');
const { backend, constants } = require('..');
const { useSockets } = require('./support/sockets');

const posix = backend === 'posix';

/** The addon's sendToMany calls and what each returned (or threw), while `run` runs. */
async function countingBatches(run) {
  const prototype = binding.NativeSocket.prototype;
  const original = prototype.sendToMany;
  const returned = [];
  prototype.sendToMany = function (...args) {
    try {
      const sent = original.apply(this, args);
      returned.push(sent);
      return sent;
    } catch (error) {
      returned.push(`threw ${error.code}`);
      throw error;
    }
  };
  try {
    await run();
  } finally {
    prototype.sendToMany = original;
  }
  return returned;
}

/** Receives `count` datagrams, as strings. */
async function receive(socket, count) {
  const got = [];
  for (let i = 0; i < count; i++) got.push((await socket.recvFrom()).data.toString());
  return got;
}

describe('sendTo() calls made in one turn', () => {
  const { make, datagram } = useSockets();

  it('arrive in the order they were made, each promise resolving with its length', async () => {
    const receiver = datagram();
    receiver.setOption('SO_RCVBUF', 1 << 20);
    const sender = datagram();
    const texts = Array.from({ length: 600 }, (_, i) => `datagram ${i}`);
    let results;
    const batches = await countingBatches(async () => {
      results = await Promise.all(texts.map((text) => sender.sendTo(text, receiver.localAddress())));
    });
    assert.deepEqual(results, texts.map((text) => text.length));
    assert.deepEqual(await receive(receiver, texts.length), texts);
    if (posix) assert.ok(batches.length >= 3 && batches.every((sent) => sent > 0), `sendToMany returned ${batches}`);
  });

  it('keep being batched through a backlog that names hundreds of peers in turn', async () => {
    const receivers = [datagram(), datagram()];
    for (const receiver of receivers) receiver.setOption('SO_RCVBUF', 1 << 20);
    const sender = datagram();
    const texts = Array.from({ length: 600 }, (_, i) => `datagram ${i}`);
    let results;
    const batches = await countingBatches(async () => {
      results = await Promise.all(texts.map((text, i) => sender.sendTo(text, receivers[i % 2].localAddress())));
    });
    assert.deepEqual(results, texts.map((text) => text.length));
    for (const [r, receiver] of receivers.entries()) {
      assert.deepEqual(await receive(receiver, 300), texts.filter((_, i) => i % 2 === r));
    }
    if (posix) assert.ok(batches.length >= 3 && batches.every((sent) => sent > 0), `sendToMany returned ${batches}`);
  });

  it('send the bytes as they were at the call, though the buffer changes or is transferred at once', async () => {
    const receiver = datagram();
    const sender = datagram();
    const buffer = Buffer.from('first');
    const sends = [sender.sendTo(buffer, receiver.localAddress())];
    buffer.write('again');
    sends.push(sender.sendTo(buffer, receiver.localAddress()));
    buffer.write('third');
    sends.push(sender.sendTo(buffer, receiver.localAddress()));
    const moved = new Uint8Array([0x6c, 0x61, 0x73, 0x74]);
    sends.push(sender.sendTo(moved, receiver.localAddress()));
    structuredClone(moved.buffer, { transfer: [moved.buffer] });
    assert.equal(moved.byteLength, 0, 'the buffer was not transferred');
    assert.deepEqual(await Promise.all(sends), [5, 5, 5, 4]);
    assert.deepEqual(await receive(receiver, 4), ['first', 'again', 'third', 'last']);
  });

  it('reject only the datagram that fails, with the error a lone sendTo() gives, in its place', async () => {
    const receiver = datagram();
    const sender = datagram();
    const to = receiver.localAddress();
    const lone = await sender.sendTo('lone', { address: '127.0.0.1', port: 0 }).catch((error) => error);
    const badFamily = await sender.sendTo('lone', { address: '::1', port: to.port }).catch((error) => error);
    assert.ok(lone instanceof Error && badFamily instanceof Error, 'the lone sends did not fail');
    const outcomes = await Promise.allSettled([
      sender.sendTo('a', to),
      sender.sendTo('b', { address: '127.0.0.1', port: 0 }),
      sender.sendTo('c', to),
      sender.sendTo('d', { address: '::1', port: to.port }),
      sender.sendTo('e', to),
    ]);
    assert.deepEqual(outcomes.map((outcome) => outcome.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    for (const [index, expected] of [[1, lone], [3, badFamily]]) {
      const { reason } = outcomes[index];
      assert.equal(reason.code, expected.code);
      assert.equal(reason.errno, expected.errno);
      assert.equal(reason.syscall, expected.syscall);
      assert.equal(reason.message, expected.message);
    }
    assert.deepEqual(await receive(receiver, 3), ['a', 'c', 'e']);
  });

  it('let the loop turn while a flood of them goes: an immediate queued first runs before the last settles', async () => {
    const receiver = datagram();
    const sender = datagram();
    let settled = 0;
    let settledAtImmediate = -1;
    setImmediate(() => { settledAtImmediate = settled; });
    const sends = [];
    for (let i = 0; i < 200; i++) sends.push(sender.sendTo('x', receiver.localAddress()).then(() => settled++));
    await Promise.all(sends);
    assert.ok(settledAtImmediate >= 0 && settledAtImmediate < 200, `the immediate ran after ${settledAtImmediate} of 200`);
  });

  it('go out before a close() made in the same turn (Windows: one still in flight rejects with ERR_SOCKET_CLOSED)', async () => {
    const receiver = datagram();
    const sender = make({ type: 'dgram' }).bind({ address: '127.0.0.1', port: 0 });
    const texts = ['one', 'two', 'three'];
    const sends = texts.map((text) => sender.sendTo(text, receiver.localAddress()));
    sender.close();
    const outcomes = await Promise.allSettled(sends);
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome.status === 'fulfilled') assert.equal(outcome.value, texts[index].length);
      else assert.equal(outcome.reason.code, 'ERR_SOCKET_CLOSED');
    }
    // On POSIX a datagram's sendto completes at once, so none is in flight
    // when close() comes; an overlapped WSASendTo may still be.
    if (posix) {
      assert.deepEqual(outcomes.map((outcome) => outcome.status), ['fulfilled', 'fulfilled', 'fulfilled']);
      assert.deepEqual(await receive(receiver, 3), texts);
    }
  });

  it('go out before any other call on the socket made in the same turn', async () => {
    const receiver = datagram();
    const sender = datagram();
    const to = receiver.localAddress();
    const sends = [sender.sendTo('one', to), sender.sendTo('two', to)];
    sender.setOption('IP_TTL', 7);
    sends.push(sender.sendMsg([Buffer.from('three')], { address: to }));
    assert.deepEqual(await Promise.all(sends), [3, 3, 5]);
    assert.deepEqual(await receive(receiver, 3), ['one', 'two', 'three']);
  });

  it('each go alone, as the trace shows them, while someone subscribes to winsock:call', async () => {
    const receiver = datagram();
    const sender = datagram();
    const calls = [];
    const onCall = (message) => { if (message.call === 'sendTo') calls.push(message); };
    diagnosticsChannel.subscribe('winsock:call', onCall);
    let batches;
    try {
      batches = await countingBatches(() => Promise.all(['a', 'b', 'c'].map((text) => sender.sendTo(text, receiver.localAddress()))));
    } finally {
      diagnosticsChannel.unsubscribe('winsock:call', onCall);
    }
    assert.equal(calls.length, 3);
    assert.deepEqual(batches, []);
    assert.deepEqual(await receive(receiver, 3), ['a', 'b', 'c']);
  });

  (posix && constants.IP_RECVERR !== undefined ? it : it.skip)(
    'go one by one on a socket that asked for IP_RECVERR, whose errors a batch would lose (Linux)', async () => {
      const receiver = datagram();
      const sender = datagram();
      sender.setsockopt(constants.IPPROTO_IP, constants.IP_RECVERR, 1);
      const batches = await countingBatches(async () => {
        for (let round = 0; round < 3; round++) {
          await Promise.all(['a', 'b', 'c'].map((text) => sender.sendTo(text, receiver.localAddress())));
        }
      });
      assert.deepEqual(batches, [-1], 'the addon was asked again after it said one by one');
      assert.equal((await receive(receiver, 9)).join(''), 'abcabcabc');
    });

  it('are not batched on a connected datagram socket, whose sends report ICMP errors', async () => {
    const receiver = datagram();
    const sender = datagram();
    await sender.connect(receiver.localAddress());
    const batches = await countingBatches(() => Promise.all(['a', 'b'].map((text) => sender.sendTo(text, receiver.localAddress()))));
    assert.deepEqual(batches, []);
    assert.deepEqual(await receive(receiver, 2), ['a', 'b']);
  });
});

describe('the addon\'s sendToMany, given arguments JS should not pass', () => {
  it('refuses each with a coded Error and sends nothing', () => {
    const socket = new binding.NativeSocket(constants.AF_INET, constants.SOCK_DGRAM, 0);
    try {
      socket.bind({ address: '127.0.0.1', port: 0 });
      const peer = socket.localAddress();
      const bytes = Buffer.from('abc');
      const cases = [
        [bytes, new Uint32Array(3), [peer], 0, 1],
        [bytes, new Int32Array([0, 3, 0]), {}, 0, 1],
        [bytes, new Int32Array([0, 3, 0]), [peer], 0, 2],
        [bytes, new Int32Array([0, 3, 0]), [peer], -1, 1],
        [bytes, new Int32Array([0, 3, 0]), [peer], 1, 0],
        [bytes, new Int32Array([0, 4, 0]), [peer], 0, 1],
        [bytes, new Int32Array([2 ** 31 - 1, 2 ** 31 - 1, 0]), [peer], 0, 1],
        [bytes, new Int32Array([-1, 1, 0]), [peer], 0, 1],
        [bytes, new Int32Array([0, 3, 1]), [peer], 0, 1],
        [bytes, new Int32Array([0, 3, -1]), [peer], 0, 1],
        ['abc', new Int32Array([0, 3, 0]), [peer], 0, 1],
      ];
      for (const args of cases) {
        assert.throws(() => socket.sendToMany(...args), (error) => typeof error.code === 'string' && error.code.startsWith('ERR_'));
      }
      assert.equal(socket.bytesAvailable(), 0);
    } finally {
      socket.close();
    }
  });
});
