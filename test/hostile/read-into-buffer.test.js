'use strict';
// startReading(onData, onEnd, { buffer }): every read lands in the caller's
// buffer and each chunk is a view of it (native/read_into.h). The caller
// owns that memory: it may detach, transfer or shrink it between two reads,
// and the addon must then neither write into it nor lose a byte.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { useSockets } = require('../support/sockets');

/** Reads with a buffer until `total` bytes came or the read ended; copies each chunk. */
function readInto(socket, buffer, total, onChunk = () => {}) {
  const chunks = [];
  let length = 0;
  return new Promise((resolve) => {
    socket.startReading((chunk) => {
      chunks.push({ bytes: Buffer.from(chunk), view: chunk.buffer === buffer.buffer });
      length += chunk.length;
      onChunk(chunk);
      if (length >= total) {
        socket.stopReading();
        resolve({ chunks, error: undefined });
      }
    }, (error) => resolve({ chunks, error }), { buffer });
  });
}

const joined = (chunks) => Buffer.concat(chunks.map((chunk) => chunk.bytes));

describe('continuous reads into a buffer of the caller', () => {
  const { pair } = useSockets();

  it('hands over each chunk as a view of the buffer, the bytes in order', async () => {
    const [client, server] = await pair();
    const buffer = Buffer.alloc(1000);
    const sent = crypto.randomBytes(50000);
    const reading = readInto(server, buffer, sent.length);
    await client.send(sent);
    const { chunks, error } = await reading;
    assert.equal(error, undefined);
    assert.ok(chunks.length > 1, 'one chunk: a 1000-byte buffer cannot hold 50000 bytes at once');
    assert.ok(chunks.every((chunk) => chunk.view), 'a chunk was not a view of the given buffer');
    assert.ok(joined(chunks).equals(sent));
  });

  it('reads no more than options.size at a time into a larger buffer', async () => {
    const [client, server] = await pair();
    const buffer = Buffer.alloc(4096);
    const sizes = [];
    const reading = new Promise((resolve) => {
      let length = 0;
      server.startReading((chunk) => {
        sizes.push(chunk.length);
        length += chunk.length;
        if (length === 1000) resolve();
      }, undefined, { buffer, size: 100 });
    });
    await client.send(Buffer.alloc(1000, 7));
    await reading;
    server.stopReading();
    assert.ok(sizes.every((size) => size <= 100), `chunks of ${sizes.join(', ')} bytes`);
  });

  it('hands over the bytes of a read that found the buffer transferred away as a chunk of their own', async () => {
    const [client, server] = await pair();
    const buffer = new Uint8Array(256);
    const first = crypto.randomBytes(100);
    const second = crypto.randomBytes(200);
    const reading = readInto(server, buffer, first.length + second.length, (chunk) => {
      // Inside onData, after the first chunk: the memory goes away.
      if (chunk.length > 0 && buffer.byteLength > 0) structuredClone(buffer.buffer, { transfer: [buffer.buffer] });
    });
    await client.send(first);
    while (buffer.byteLength > 0) await new Promise((resolve) => setImmediate(resolve));
    await client.send(second);
    const { chunks } = await reading;
    assert.ok(joined(chunks).equals(Buffer.concat([first, second])), 'bytes were lost or changed');
    assert.ok(chunks[0].view, 'the first chunk was not a view of the buffer: this test would prove nothing');
    assert.ok(!chunks.at(-1).view, 'the read after the transfer handed over a view of a detached buffer');
  });

  it('reports ERR_SOCKET_READ_BUFFER through onEnd once a read finds the buffer detached', async () => {
    const [client, server] = await pair();
    const buffer = new Uint8Array(64);
    let chunks = 0;
    const ended = new Promise((resolve) => {
      server.startReading(() => {
        if (++chunks === 1) structuredClone(buffer.buffer, { transfer: [buffer.buffer] });
      }, resolve, { buffer });
    });
    await client.send(Buffer.alloc(10, 1));
    while (buffer.byteLength > 0) await new Promise((resolve) => setImmediate(resolve));
    await client.send(Buffer.alloc(10, 2));
    const error = await ended;
    assert.equal(error?.code, 'ERR_SOCKET_READ_BUFFER');
    assert.equal(chunks, 2, 'the bytes of the read that found the buffer gone were not handed over');
    assert.equal(server.reading, false);
  });

  it('reports ERR_SOCKET_READ_BUFFER once a resizable buffer shrank below what a read brought', async function () {
    if (typeof ArrayBuffer.prototype.resize !== 'function') this.skip();
    const [client, server] = await pair();
    const memory = new ArrayBuffer(512, { maxByteLength: 512 });
    const buffer = new Uint8Array(memory);  // length-tracking
    const received = [];
    const ended = new Promise((resolve) => {
      server.startReading((chunk) => {
        received.push(Buffer.from(chunk));
        if (received.length === 1) memory.resize(4);
      }, resolve, { buffer });
    });
    const second = crypto.randomBytes(300);
    await client.send(Buffer.alloc(8, 1));
    while (memory.byteLength > 4) await new Promise((resolve) => setImmediate(resolve));
    await client.send(second);
    const error = await ended;
    assert.equal(error?.code, 'ERR_SOCKET_READ_BUFFER');
    assert.ok(Buffer.concat(received).equals(Buffer.concat([Buffer.alloc(8, 1), second])), 'bytes were lost or changed');
  });

  it('refuses a buffer that is not a Uint8Array, is empty, or is shorter than options.size', async () => {
    const [, server] = await pair();
    for (const buffer of ['x', 5, new ArrayBuffer(8), new Uint16Array(8), {}]) {
      assert.throws(() => server.startReading(() => {}, undefined, { buffer }), { code: 'ERR_INVALID_ARG_TYPE' });
    }
    assert.throws(() => server.startReading(() => {}, undefined, { buffer: Buffer.alloc(0) }), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => server.startReading(() => {}, undefined, { buffer: Buffer.alloc(8), size: 9 }), { code: 'ERR_OUT_OF_RANGE' });
    assert.equal(server.reading, false);
  });

  it('keeps a chunk that arrives after stopReading() as a copy, which the next read cannot change', () => {
    // The addon is played by a stand-in here: on Windows, reads that
    // completed before the cancel reach the reader after stopReading(), an
    // order loopback cannot be made to produce on demand.
    const { Reader } = require('../../dist/socket/reading');
    let deliver = null;
    const reader = new Reader({ startReading(onData) { deliver = onData; return true; }, stopReading() {} });
    const buffer = Buffer.alloc(8);
    reader.start(() => assert.fail('onData ran after stopReading()'), undefined, buffer.length, buffer);
    reader.stop();
    buffer.write('first');
    deliver(buffer.subarray(0, 5));
    buffer.write('later');
    assert.equal(reader.take(8, false)?.toString(), 'first');
  });
});
