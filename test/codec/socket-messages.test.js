'use strict';
const assert = require('node:assert/strict');
const codec = require('../../dist/codec');
const { mulberry32 } = require('../support/random');


// An in-memory pair of stream sockets with the send/recv/shutdown shape of winsock's
// Socket: what one sends, the other receives in chunks of random sizes.
class FakeStreamSocket {
  constructor(random) {
    this.random = random;
    this.queue = [];          // chunks waiting to be received
    this.waiters = [];        // recv() calls waiting for data
    this.eof = false;
    this.peer = null;
  }

  async send(data) {
    const bytes = Buffer.from(data);
    // Split what is sent at random points, as a TCP stream may deliver it.
    for (let at = 0; at < bytes.length;) {
      const n = Math.min(bytes.length - at, 1 + Math.floor(this.random() * 40));
      this.peer.deliver(bytes.subarray(at, at + n));
      at += n;
    }
    await new Promise(setImmediate);
    return bytes.length;
  }

  shutdown() {
    this.peer.eof = true;
    this.peer.flush();
  }

  deliver(chunk) {
    this.queue.push(Buffer.from(chunk));
    this.flush();
  }

  flush() {
    while (this.waiters.length > 0 && (this.queue.length > 0 || this.eof)) {
      const { size, resolve } = this.waiters.shift();
      resolve(this.take(size));
    }
  }

  take(size) {
    if (this.queue.length === 0) return Buffer.alloc(0);
    const first = this.queue[0];
    const n = Math.min(size, first.length, 1 + Math.floor(this.random() * 64));
    if (n === first.length) this.queue.shift();
    else this.queue[0] = first.subarray(n);
    return first.subarray(0, n);
  }

  recv(size = 65536) {
    return new Promise((resolve) => {
      this.waiters.push({ size, resolve });
      this.flush();
    });
  }
}

function socketPair(random) {
  const a = new FakeStreamSocket(random);
  const b = new FakeStreamSocket(random);
  a.peer = b;
  b.peer = a;
  return [a, b];
}

const { MessageRegistry, record, sendMessage, messages } = codec;

class Position { }
const PositionRecord = record({ id: 'uint32', x: 'float64', y: 'float64', label: 'char[10]' });
const Text = { encode: (v) => Buffer.from(v, 'utf8'), decode: (b) => Buffer.from(b).toString('utf8') };

function makeRegistry() {
  return new MessageRegistry().register(10, PositionRecord, Position).register(11, Text);
}

function position(i) {
  return Object.assign(new Position(), { id: i, x: i / 2, y: -i, label: `p${i}` });
}

async function collect(iterable) {
  const out = [];
  for await (const message of iterable) out.push(message);
  return out;
}

describe('codec socket messages', () => {
  it('delivers every message in order over a stream that splits them at random', async () => {
    const [a, b] = socketPair(mulberry32(1));
    const registry = makeRegistry();
    const received = collect(messages(b, registry));
    const sent = [];
    for (let i = 0; i < 200; i++) {
      if (i % 3 === 0) {
        await sendMessage(a, registry, 11, `text ${i} ${'x'.repeat(i)}`);
        sent.push({ typeId: 11, value: `text ${i} ${'x'.repeat(i)}` });
      } else {
        await sendMessage(a, registry, position(i));
        sent.push({ typeId: 10, value: position(i) });
      }
    }
    a.shutdown();
    const got = await received;
    assert.equal(got.length, sent.length);
    got.forEach((message, i) => {
      assert.equal(message.typeId, sent[i].typeId);
      if (message.typeId === 10) {
        assert.ok(message.value instanceof Position);
        assert.deepEqual({ ...message.value }, { ...sent[i].value });
      } else {
        assert.equal(message.value, sent[i].value);
      }
    });
  });

  it('resolves sendMessage with the number of bytes of the frame', async () => {
    const [a] = socketPair(mulberry32(2));
    assert.equal(await sendMessage(a, makeRegistry(), position(1)), 6 + PositionRecord.size);
  });

  it('ends at EOF between frames without an error', async () => {
    const [a, b] = socketPair(mulberry32(3));
    a.shutdown();
    assert.deepEqual(await collect(messages(b, makeRegistry())), []);
  });

  it('throws ERR_CODEC_SHORT when the stream ends in the middle of a frame', async () => {
    const [a, b] = socketPair(mulberry32(4));
    const frame = makeRegistry().encode(position(5));
    await a.send(frame.subarray(0, frame.length - 3));
    a.shutdown();
    await assert.rejects(collect(messages(b, makeRegistry())), (error) => error instanceof codec.CodecError && error.code === 'ERR_CODEC_SHORT');
  });

  it('yields the messages before a bad frame, then throws its CodecError', async () => {
    const [a, b] = socketPair(mulberry32(5));
    const registry = makeRegistry();
    await sendMessage(a, registry, position(1));
    await a.send(Buffer.from('000000010063ff', 'hex'));   // type 99 is not registered
    a.shutdown();
    const got = [];
    await assert.rejects((async () => { for await (const m of messages(b, registry)) got.push(m); })(),
      (error) => error instanceof codec.CodecError && error.code === 'ERR_UNKNOWN_TYPE');
    assert.equal(got.length, 1);
  });

  it('yields the messages before an oversized frame header, then throws without waiting for more data', async () => {
    const [a, b] = socketPair(mulberry32(7));
    const registry = new MessageRegistry({ maxFrameSize: 64 }).register(11, Text);
    await a.send(Buffer.concat([registry.encode(11, 'ok'), Buffer.from('ffffffff000b', 'hex')]));   // no EOF follows
    const got = [];
    await assert.rejects((async () => { for await (const m of messages(b, registry)) got.push(m.value); })(),
      (error) => error instanceof codec.CodecError && error.code === 'ERR_FRAME_TOO_LARGE');
    assert.deepEqual(got, ['ok']);
  });

  it('throws ERR_FRAME_TOO_LARGE for a frame over the registry\'s limit without waiting for its payload', async () => {
    const [a, b] = socketPair(mulberry32(6));
    const registry = new MessageRegistry({ maxFrameSize: 64 }).register(11, Text);
    await a.send(Buffer.from('000100000011', 'hex'));    // 65536 bytes announced, none sent, no EOF
    await assert.rejects(collect(messages(b, registry)), (error) => error.code === 'ERR_FRAME_TOO_LARGE');
  });
});
