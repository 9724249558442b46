'use strict';
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { once } = require('node:events');
const { useSockets } = require('./support/sockets');

describe('the fast path: continuous reading and queued writes', () => {
  const { pair } = useSockets();

  it('hands every chunk to onData without a Promise, then calls onEnd at EOF', async () => {
    const [client, server] = await pair();
    const data = crypto.randomBytes(4 * 1024 * 1024);
    const chunks = [];
    const ended = new Promise((resolve) => server.startReading((chunk) => chunks.push(chunk), resolve));
    assert.equal(server.reading, true);
    await client.send(data);
    client.shutdown('send');
    assert.equal(await ended, undefined);
    assert.ok(Buffer.concat(chunks).equals(data));
    assert.equal(server.reading, false);
    assert.equal(server.readable, false);
  });

  it('never calls onData before startReading has returned', async () => {
    const [client, server] = await pair();
    await client.send('already there');
    await new Promise((resolve) => setTimeout(resolve, 10));
    let returned = false;
    const first = new Promise((resolve) => server.startReading((chunk) => resolve([returned, chunk.toString()])));
    returned = true;
    assert.deepEqual(await first, [true, 'already there']);
  });

  it('stops calling onData after stopReading, and leaves the rest for recv', async () => {
    const [client, server] = await pair();
    const seen = [];
    const first = new Promise((resolve) => server.startReading((chunk) => {
      seen.push(chunk.toString());
      server.stopReading();
      resolve();
    }));
    await client.send('one');
    await first;
    await client.send('two');
    assert.equal((await server.recv()).toString(), 'two');
    assert.deepEqual(seen, ['one']);
  });

  it('refuses recv while reading continuously, with ERR_SOCKET_READING', async () => {
    const [, server] = await pair();
    server.startReading(() => {});
    await assert.rejects(server.recv(), { code: 'ERR_SOCKET_READING' });
    assert.throws(() => server.startReading(() => {}), { code: 'ERR_SOCKET_READING' });
  });

  it('ends silently when the socket is closed while reading', async () => {
    const [, server] = await pair();
    let ends = 0;
    server.startReading(() => {}, () => ends++);
    server.close();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(ends, 0);
  });

  it('reports a reset through onEnd(error)', async () => {
    const [client, server] = await pair();
    const ended = new Promise((resolve) => server.startReading(() => {}, resolve));
    client.setOption('SO_LINGER', { enabled: true, seconds: 0 });
    client.close();
    const error = await ended;
    assert.ok(error instanceof Error);
    assert.equal(error.code, 'ECONNRESET');
  });

  it('iterates the chunks with for await until EOF', async () => {
    const [client, server] = await pair();
    const data = crypto.randomBytes(3 * 1024 * 1024 + 17);
    const sending = client.send(data).then(() => client.shutdown('send'));
    const chunks = [];
    for await (const chunk of server) chunks.push(chunk);
    await sending;
    assert.ok(Buffer.concat(chunks).equals(data));
  });

  it('ends a for await loop when the socket is closed under it', async () => {
    const [client, server] = await pair();
    const seen = [];
    const looping = (async () => {
      for await (const chunk of server) {
        seen.push(chunk.toString());
        server.close();
      }
    })();
    await client.send('only this');
    await looping;
    assert.deepEqual(seen, ['only this']);
  });

  it('queues writes, returns false past the high-water mark, and emits drain', async () => {
    const [client, server] = await pair();
    const received = [];
    const ended = new Promise((resolve) => server.startReading((chunk) => received.push(chunk), resolve));
    const piece = crypto.randomBytes(256 * 1024);
    let refused = 0;
    for (let i = 0; i < 16; i++) {
      if (!client.write(piece)) {
        refused++;
        await once(client, 'drain');
        assert.equal(client.writableLength, 0);
      }
    }
    client.shutdown('send');
    await ended;
    assert.ok(refused > 0, 'write() never signalled back-pressure');
    assert.equal(Buffer.concat(received).length, 16 * piece.length);
    assert.ok(Buffer.concat(received).subarray(0, piece.length).equals(piece));
  });

  it('emits error for a write the stack refuses', async () => {
    const [client] = await pair();
    client.shutdown('send');
    client.write('too late');
    const [error] = await once(client, 'error');
    assert.ok(['EPIPE', 'ESHUTDOWN'].includes(error.code));
  });

  it('queues nothing for a write the stack takes at once, and keeps the order of those it queues', async () => {
    const [client, server] = await pair();
    const received = [];
    const ended = new Promise((resolve) => server.startReading((chunk) => received.push(chunk), resolve));
    assert.equal(client.write('taken at once'), true);
    assert.equal(client.writableLength, 0);
    // Past the send buffer, then small writes behind it: they wait their turn.
    client.setOption('SO_SNDBUF', 65536);
    const big = crypto.randomBytes(4 * 1024 * 1024);
    client.write(big);
    assert.ok(client.writableLength > 0, 'the stack took 4 MiB at once: this test would prove nothing');
    for (let i = 0; i < 100; i++) client.write(`#${i};`);
    await client.end();
    await ended;
    let tail = '';
    for (let i = 0; i < 100; i++) tail += `#${i};`;
    assert.ok(Buffer.concat(received).equals(Buffer.concat([Buffer.from('taken at once'), big, Buffer.from(tail)])));
  });
});
