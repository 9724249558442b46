'use strict';
// The argument errors the surface fuzz found, each by name: every one
// carries Node's code, whatever the value (BigInt, null prototype, Proxy,
// detached view), and no limit is silently changed.
const assert = require('node:assert/strict');
const { Socket, codec } = require('../..');
const { useSockets } = require('../support/sockets');

const nullProto = () => Object.create(null);
const detached = () => {
  const view = new Uint8Array(8);
  structuredClone(view.buffer, { transfer: [view.buffer] });
  return view;
};
const ARG_CODES = /^ERR_(INVALID_ARG_TYPE|INVALID_ARG_VALUE|OUT_OF_RANGE|UNKNOWN_OPTION)$/;

describe('hostile arguments', () => {
  const { make, pair } = useSockets();

  it('refuses a registry that is not a MessageRegistry, in sendMessage and messages', async () => {
    const [client] = await pair();
    for (const registry of [undefined, null, {}, nullProto(), 5n]) {
      await assert.rejects(client.sendMessage(registry, 1, {}), { code: 'ERR_INVALID_ARG_TYPE' });
      await assert.rejects(client.messages(registry).next(), { code: 'ERR_INVALID_ARG_TYPE' });
    }
  });

  it('refuses null options to accept, connect and setKeepAlive with ERR_INVALID_ARG_TYPE', async () => {
    const server = make().bind({ address: '127.0.0.1', port: 0 }).listen();
    await assert.rejects(server.accept(null), { code: 'ERR_INVALID_ARG_TYPE' });
    await assert.rejects(make().connect(server.localAddress(), null), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => make().setKeepAlive(true, null), { code: 'ERR_INVALID_ARG_TYPE' });
  });

  it('answers names that are BigInts, null-prototype objects or Proxies with a code', async () => {
    const [socket] = await pair();
    for (const name of [1n, nullProto(), new Proxy({}, {}), Symbol('x')]) {
      assert.throws(() => new Socket({ family: name }), { code: 'ERR_INVALID_ARG_VALUE' });
      assert.throws(() => new Socket({ type: name }), { code: 'ERR_INVALID_ARG_VALUE' });
      assert.throws(() => socket.getOption(name), { code: 'ERR_UNKNOWN_OPTION' });
      assert.throws(() => socket.setOption(name, true), { code: 'ERR_UNKNOWN_OPTION' });
      assert.throws(() => socket.shutdown(name), { code: ARG_CODES });
      assert.throws(() => socket.addMembership(name), { code: ARG_CODES });
      assert.throws(() => socket.dropMembership('224.0.0.1', name), { code: ARG_CODES });
    }
  });

  it('refuses to send a detached buffer, with ERR_INVALID_ARG_VALUE', async () => {
    const [client] = await pair();
    await assert.rejects(async () => client.send(detached()), { code: 'ERR_INVALID_ARG_VALUE' });
    assert.throws(() => client.write(detached()), { code: 'ERR_INVALID_ARG_VALUE' });
    const buffer = new ArrayBuffer(4);
    structuredClone(buffer, { transfer: [buffer] });
    assert.throws(() => client.write(buffer), { code: 'ERR_INVALID_ARG_VALUE' });
  });

  it('refuses a connect timeout past what a timer can hold, instead of firing after 1 ms', async () => {
    const server = make().bind({ address: '127.0.0.1', port: 0 }).listen();
    await assert.rejects(make().connect(server.localAddress(), { timeout: 2 ** 31 }), { code: 'ERR_OUT_OF_RANGE' });
    const client = make();
    await client.connect(server.localAddress(), { timeout: 2 ** 31 - 1 });
    assert.equal(client.state, 'connected');
  });

  it('answers a 4 GB frame header under the largest maxFrameSize by its limits, allocating nothing for it', () => {
    const decoder = new codec.FrameDecoder({ maxFrameSize: 0xffffffff });
    const header = Buffer.from([0xff, 0xff, 0xff, 0xfe, 0, 1]);
    if (6 + 0xfffffffe > require('node:buffer').constants.MAX_LENGTH) {
      // More than a Buffer can hold on this Node (4 GiB on Node 20): a CodecError, not Buffer's RangeError.
      assert.throws(() => decoder.push(header), (error) => error instanceof codec.CodecError && error.code === 'ERR_FRAME_TOO_LARGE');
    } else {
      assert.deepEqual(decoder.push(header), []);
      assert.equal(decoder.pending, 6);
    }
    // A large frame that fits is gathered as it arrives, never allocated from its header.
    const large = new codec.FrameDecoder({ maxFrameSize: 0xffffffff });
    const before = process.memoryUsage().rss;
    assert.deepEqual(large.push(Buffer.from([0x40, 0, 0, 0, 0, 1, 1, 2, 3])), []);
    assert.equal(large.pending, 9);
    assert.ok(process.memoryUsage().rss - before < 256 * 1024 * 1024, 'a 1 GiB frame was allocated from its header');
  });

  it('refuses a Proxy of a Uint8Array where bytes are needed, with a code', () => {
    const proxy = new Proxy(new Uint8Array(4), {});
    assert.throws(() => codec.fromChar(proxy), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => codec.record({ x: 'uint8' }).decode(proxy), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => new codec.FrameDecoder().push(proxy), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => new codec.MessageRegistry().decode(proxy), { code: 'ERR_INVALID_ARG_TYPE' });
  });
});
