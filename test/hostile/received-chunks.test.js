'use strict';
// Small received chunks share a slab (native/chunks.h), as Buffers from
// Node's pool do. Whatever a caller does to one chunk (writes into it,
// posts or transfers its ArrayBuffer) must not change the bytes of another,
// and reads go on with a fresh slab when the caller took the old one away.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { MessageChannel } = require('node:worker_threads');
const { useSockets } = require('../support/sockets');
const { collectGarbage } = require('./support');

/**
 * Sends each message and receives it with one recv() once all of it is
 * there, so that each chunk is the addon's own (not a concatenation).
 */
async function trade(client, server, messages) {
  const received = [];
  for (const message of messages) {
    await client.send(message);
    while (server.bytesAvailable() < message.length) await new Promise((resolve) => setImmediate(resolve));
    const chunk = await server.recv(message.length);
    assert.equal(chunk.length, message.length, 'the bytes came in pieces: this test would prove nothing');
    received.push(chunk);
  }
  return received;
}

describe('received chunks that share a slab', () => {
  const { pair, datagram } = useSockets();

  it('gives each of 200 chunks of 1 to 4096 bytes its own bytes, across slab boundaries', async () => {
    const [client, server] = await pair();
    const messages = Array.from({ length: 200 }, (_, i) => crypto.randomBytes(1 + ((i * 977) % 4096)));
    const received = await trade(client, server, messages);
    assert.ok(received.some((chunk, i) => i > 0 && chunk.buffer === received[i - 1].buffer), 'no two chunks shared a slab: this test would prove nothing');
    received.forEach((chunk, i) => assert.ok(chunk.equals(messages[i]), `chunk ${i} (${messages[i].length} B) differs`));
    // Writing into every other chunk touches none of its neighbours.
    received.forEach((chunk, i) => { if (i % 2 === 0) chunk.fill(0); });
    received.forEach((chunk, i) => assert.ok(i % 2 === 0 || chunk.equals(messages[i]), `chunk ${i} changed when a neighbour was written`));
  });

  it('gives datagrams read with recvFrom() and startReading() bytes of their own', async () => {
    const receiver = datagram();
    const sender = datagram();
    const messages = Array.from({ length: 40 }, (_, i) => crypto.randomBytes(1 + i * 50));
    const chunks = [];
    const read = new Promise((resolve) => {
      receiver.startReading((chunk) => {
        chunks.push(chunk);
        if (chunks.length === messages.length) resolve();
      });
    });
    for (const message of messages) await sender.sendTo(message, receiver.localAddress());
    await read;
    receiver.stopReading();
    chunks.forEach((chunk, i) => assert.ok(chunk.equals(messages[i]), `datagram ${i} differs`));
    await sender.sendTo(messages[3], receiver.localAddress());
    const { data } = await receiver.recvFrom();
    data.fill(0);
    chunks.forEach((chunk, i) => assert.ok(chunk.equals(messages[i]), `datagram ${i} changed when another was written`));
  });

  it("keeps other chunks whole when one chunk's ArrayBuffer is posted with a transfer list", async () => {
    const [client, server] = await pair();
    const messages = [crypto.randomBytes(100), crypto.randomBytes(200)];
    const [first, second] = await trade(client, server, messages);
    assert.equal(first.buffer, second.buffer, 'the chunks do not share a slab: this test would prove nothing');
    const { port1, port2 } = new MessageChannel();
    try {
      port1.postMessage(first, [first.buffer]);
    } catch (error) {
      // Node 21 and later refuse to transfer an untransferable buffer.
      assert.equal(error.name, 'DataCloneError');
    } finally {
      port1.close();
      port2.close();
    }
    assert.ok(first.equals(messages[0]));
    assert.ok(second.equals(messages[1]));
  });

  const transferable = typeof ArrayBuffer.prototype.transfer === 'function';
  const title = "reads on whether transfer() detaches a chunk's slab or refuses to";
  if (!transferable) {
    it(`${title} (skipped: this Node has no ArrayBuffer.prototype.transfer)`);
  } else {
    it(title, async () => {
      const [client, server] = await pair();
      const sent = crypto.randomBytes(64);
      const [chunk] = await trade(client, server, [sent]);
      assert.equal(chunk.buffer.byteLength, 65536, 'the chunk is not a view of a slab: this test would prove nothing');
      try {
        // Node 22 detaches even an untransferable buffer: reads must go on into a new slab.
        chunk.buffer.transfer();
        assert.equal(chunk.length, 0, 'transfer() returned but did not detach the slab');
      } catch (error) {
        // Node 24 refuses: the slab and the chunk stay as they were.
        if (!(error instanceof TypeError) || !/not detachable/.test(error.message)) throw error;
        assert.ok(chunk.equals(sent), 'a refused transfer changed the chunk');
      }
      const messages = Array.from({ length: 20 }, () => crypto.randomBytes(300));
      const received = await trade(client, server, messages);
      received.forEach((bytes, i) => assert.ok(bytes.equals(messages[i]), `chunk ${i} after the transfer differs`));
      assert.notEqual(received[0].buffer.byteLength, 0);
    });
  }

  it('gives a chunk over 4 KiB a Buffer of its own, and one of 4 KiB a share of a slab', async () => {
    const [client, server] = await pair();
    const [own, shared] = await trade(client, server, [crypto.randomBytes(4097), crypto.randomBytes(4096)]);
    assert.equal(own.buffer.byteLength, 4097);
    assert.equal(shared.buffer.byteLength, 65536);
  });

  it('shows nothing past the bytes a large read brought in the memory it hands over', async () => {
    const [client, server] = await pair();
    // Chunks of 64 KiB read and dropped, so the memory the next reads get
    // from the allocator has held bytes before.
    await trade(client, server, Array.from({ length: 8 }, () => Buffer.alloc(65536, 0xee)));
    await collectGarbage();
    for (const size of [40000, 33000, 65535]) {
      const [chunk] = await trade(client, server, [crypto.randomBytes(size)]);
      const memory = new Uint8Array(chunk.buffer);
      const outside = memory.subarray(chunk.byteOffset + chunk.length);
      assert.ok(outside.every((byte) => byte === 0), `${size} B: ${outside.filter((byte) => byte !== 0).length} stray bytes after the chunk`);
    }
  });
});
