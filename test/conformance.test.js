'use strict';
// The completion contract of native/sys.h, one rule a block, held on the
// live backend through the addon's own socket (the suite runs it on
// native/posix/ here and on native/win/ under Wine).
const assert = require('node:assert/strict');
const { binding } = require('../dist/native');
const { constants, backend } = require('..');

const { NativeSocket } = binding;
const LOOPBACK = { address: '127.0.0.1', port: 0 };

function useNativeSockets() {
  const open = new Set();
  afterEach(() => {
    for (const socket of open) socket.close();
    open.clear();
  });
  const track = (socket) => {
    open.add(socket);
    return socket;
  };
  const stream = () => track(new NativeSocket(constants.AF_INET, constants.SOCK_STREAM, 0));
  /** A connected pair of addon sockets: [client, accepted]. */
  async function pair() {
    const server = stream();
    server.bind(LOOPBACK);
    server.listen(8);
    const client = stream();
    const [accepted] = await Promise.all([server.accept(0), client.connect(server.localAddress(), 0)]);
    server.close();
    return [client, track(accepted)];
  }
  return { pair };
}

/** send() gives a count when the stack took it all at once, else a Promise of it. */
const sent = (result) => Promise.resolve(result);

/** Reads from an addon socket until `size` bytes came or EOF. */
async function readExactly(socket, size) {
  const chunks = [];
  let length = 0;
  while (length < size) {
    const chunk = await socket.recv(Math.min(65536, size - length), 0, 0);
    if (chunk.length === 0) break;
    chunks.push(Buffer.from(chunk));
    length += chunk.length;
  }
  return Buffer.concat(chunks);
}

/** Bytes whose every position says where it is, so a reorder or a loss shows. */
function pattern(size, seed) {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + seed) & 0xff;
  return bytes;
}

const turns = async (count) => {
  for (let i = 0; i < count; i++) await new Promise(setImmediate);
};

describe('the completion contract (native/sys.h), on the live backend', () => {
  const { pair } = useNativeSockets();

  describe('1. once', () => {
    it('completes every pending read once when the socket closes, with ERR_SOCKET_CLOSED', async () => {
      const [, accepted] = await pair();
      const settled = [];
      const reads = [1, 2, 3].map((id) => accepted.recv(16, 0, id).then(() => settled.push('resolved'), (error) => settled.push(error.code)));
      accepted.close();
      await Promise.all(reads);
      await turns(10);
      assert.deepEqual(settled, ['ERR_SOCKET_CLOSED', 'ERR_SOCKET_CLOSED', 'ERR_SOCKET_CLOSED']);
    });

    it('ends a continuous read once, inside close(), with nothing after it', async () => {
      const [client, accepted] = await pair();
      const ends = [];
      let chunksAfterClose = 0;
      let closed = false;
      accepted.startReading(() => { if (closed) chunksAfterClose++; }, (error, stopped) => ends.push({ error, stopped }), 4096);
      await sent(client.send(Buffer.from('before'), 0));
      await turns(5);
      accepted.close();
      closed = true;
      assert.equal(ends.length, 1, 'the last done() ran inside close()');
      assert.equal(ends[0].stopped, true);
      await sent(client.send(Buffer.from('after'), 0)).catch(() => {});
      await turns(20);
      assert.equal(ends.length, 1);
      assert.equal(chunksAfterClose, 0);
    });
  });

  describe('2. order', () => {
    it('completes reads on a stream in the order they were made, each with the bytes after the last', async () => {
      const [client, accepted] = await pair();
      const reads = [];
      for (let i = 0; i < 6; i++) reads.push(accepted.recv(5, 0, 0).then((chunk) => Buffer.from(chunk)));
      const message = pattern(30, 1);
      await sent(client.send(message, 0));
      const results = await Promise.all(reads);
      for (const chunk of results) assert.ok(chunk.length > 0 && chunk.length <= 5);
      const got = Buffer.concat(results);
      const rest = await readExactly(accepted, message.length - got.length);
      assert.deepEqual(Buffer.concat([got, rest]), message);
    });

    it('puts the bytes of sends made one after another on the wire in that order, each whole', async () => {
      const [client, accepted] = await pair();
      const parts = [pattern(1 << 20, 2), pattern(3, 3), pattern(1 << 20, 4), pattern(70000, 5)];
      const sends = parts.map((part) => sent(client.send(part, 0)));
      const received = await readExactly(accepted, parts.reduce((sum, part) => sum + part.length, 0));
      assert.deepEqual(await Promise.all(sends), parts.map((part) => part.length));
      assert.deepEqual(received, Buffer.concat(parts));
    });
  });

  describe('3. stopping a continuous read', () => {
    it(`loses no chunk: what onData had before and after stopReading() plus what recv() reads is the whole stream (${backend})`, async () => {
      const [client, accepted] = await pair();
      const message = pattern(256 * 1024, 6);
      const delivered = [];
      const ends = [];
      let stopped = false;
      let chunksAfterStop = 0;
      accepted.startReading((chunk) => {
        if (stopped) chunksAfterStop++;
        delivered.push(Buffer.from(chunk));
      }, (error, wasStopped) => ends.push({ error, wasStopped }), 1024);
      const sending = sent(client.send(message, 0));
      while (delivered.length === 0) await new Promise(setImmediate);
      accepted.stopReading();
      stopped = true;
      const endedInsideStop = ends.length === 1;
      while (ends.length === 0) await new Promise(setImmediate);
      assert.equal(ends.length, 1);
      assert.equal(ends[0].error, undefined);
      assert.equal(ends[0].wasStopped, true);
      if (backend === 'posix') {
        assert.equal(endedInsideStop, true, 'POSIX ends the read inside stopReading()');
        assert.equal(chunksAfterStop, 0);
      }
      const got = Buffer.concat(delivered);
      const rest = await readExactly(accepted, message.length - got.length);
      await sending;
      assert.deepEqual(Buffer.concat([got, rest]), message);
    });
  });

  describe('4. who owns the bytes', () => {
    it('sends the bytes as they were when send() returned, though the caller then overwrote and transferred them', async () => {
      const [client, accepted] = await pair();
      const size = 16 << 20;  // more than the stack takes at once while the peer does not read
      const original = pattern(size, 7);
      const given = Buffer.from(original);
      const sending = sent(client.send(given, 0));
      given.fill(0);
      structuredClone(given.buffer, { transfer: [given.buffer] });
      assert.equal(given.length, 0, 'the memory was transferred away');
      const received = await readExactly(accepted, size);
      assert.equal(await sending, size);
      assert.ok(received.equals(original));
    });

    it('hands over received chunks that stay as they were while later reads arrive', async () => {
      const [client, accepted] = await pair();
      const first = pattern(100, 8);
      await sent(client.send(first, 0));
      const chunk = await accepted.recv(100, 0, 0);
      const kept = Buffer.from(chunk);
      for (let i = 0; i < 20; i++) {
        await sent(client.send(pattern(100, 9 + i), 0));
        await readExactly(accepted, 100);
      }
      assert.deepEqual(Buffer.from(chunk), kept);
      assert.deepEqual(kept.subarray(0, chunk.length), first.subarray(0, chunk.length));
    });
  });

  describe('5. what a cancel guarantees', () => {
    it('rejects a cancelled pending read with an AbortError and takes no byte from the stream', async () => {
      const [client, accepted] = await pair();
      const reading = accepted.recv(64, 0, 7).then(() => null, (error) => error);
      assert.equal(accepted.cancel(7), true);
      const error = await reading;
      assert.equal(error.name, 'AbortError');
      const message = pattern(64, 10);
      await sent(client.send(message, 0));
      assert.deepEqual(await readExactly(accepted, 64), message);
    });

    it('either aborts a read cancelled as its bytes arrive or lets its result through: no byte is lost', async () => {
      const [client, accepted] = await pair();
      const outcomes = new Set();
      const expected = [];
      const got = [];
      for (let round = 0; round < 20; round++) {
        const message = pattern(16, round);
        expected.push(message);
        await sent(client.send(message, 0));
        while (accepted.bytesAvailable() < 16) await new Promise(setImmediate);
        const reading = accepted.recv(16, 0, 100 + round).then((chunk) => Buffer.from(chunk), (error) => error);
        accepted.cancel(100 + round);
        const result = await reading;
        if (result instanceof Error) {
          assert.equal(result.name, 'AbortError');
          outcomes.add('aborted');
        } else {
          outcomes.add('completed');
          got.push(result);
        }
        const have = Buffer.concat(got).length;
        if (have < 16 * (round + 1)) got.push(await readExactly(accepted, 16 * (round + 1) - have));
      }
      assert.deepEqual(Buffer.concat(got), Buffer.concat(expected));
      assert.ok(outcomes.size > 0);
    });
  });

  describe('6. where done() runs', () => {
    it("delivers a continuous read's chunks from the loop, never inside startReading(), though the bytes are there", async () => {
      const [client, accepted] = await pair();
      await sent(client.send(Buffer.from('ready'), 0));
      while (accepted.bytesAvailable() < 5) await new Promise(setImmediate);
      const chunks = [];
      accepted.startReading((chunk) => chunks.push(Buffer.from(chunk).toString()), () => {}, 64);
      assert.deepEqual(chunks, [], 'no chunk inside the call');
      while (chunks.length === 0) await new Promise(setImmediate);
      assert.deepEqual(chunks, ['ready']);
      accepted.stopReading();
    });
  });
});
