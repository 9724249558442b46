'use strict';
// Reads behave on every backend as on POSIX: stopReading() takes effect
// when it returns, bytes already received are kept in order, concurrent
// reads complete in the order they were made, and peek + waitAll neither
// fails nor repeats bytes.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { useSockets } = require('../support/sockets');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe('reading, the same on every backend', () => {
  const { pair, readExactly } = useSockets();

  it('calls the old onData never again once stopReading() returned, and keeps the rest for recv()', async () => {
    const [client, server] = await pair();
    const data = crypto.randomBytes(4 * 1024 * 1024);
    const before = [];
    let stopped = false;
    let lateCalls = 0;
    const firstChunk = new Promise((resolve) => server.startReading((chunk) => {
      if (stopped) lateCalls++;
      before.push(chunk);
      resolve();
    }));
    const sending = client.send(data);
    await firstChunk;
    // From outside onData, while chunks are still completing.
    server.stopReading();
    stopped = true;
    assert.equal(server.reading, false);
    const got = Buffer.concat(before).length;
    const rest = await readExactly(server, data.length - got);
    await sending;
    assert.equal(lateCalls, 0, 'onData was called after stopReading() returned');
    assert.ok(Buffer.concat([...before, rest]).equals(data), 'bytes were lost or reordered');
  });

  it('reads on with the new callback after stopReading(); startReading(cb2)', async () => {
    const [client, server] = await pair();
    const first = [];
    const second = [];
    const one = new Promise((resolve) => server.startReading((chunk) => {
      first.push(chunk.toString());
      resolve();
    }));
    await client.send('one');
    await one;
    server.stopReading();
    const two = new Promise((resolve) => server.startReading((chunk) => {
      second.push(chunk.toString());
      if (second.join('') === 'two') resolve();
    }));
    assert.equal(server.reading, true);
    await client.send('two');
    await two;
    assert.deepEqual(first, ['one']);
  });

  it('keeps what arrived after a for await … break for the next recv()', async () => {
    const [client, server] = await pair();
    const data = crypto.randomBytes(1024 * 1024);
    const sending = client.send(data);
    let first;
    for await (const chunk of server) {
      first = chunk;
      break;
    }
    const rest = await readExactly(server, data.length - first.length);
    await sending;
    assert.ok(Buffer.concat([first, rest]).equals(data));
  });

  it('completes concurrent recv() calls in the order they were made, bytes in order', async () => {
    const [client, server] = await pair();
    const large = server.recv(65536);
    const small = server.recv(3);
    await sleep(20);
    await client.send('ABC');
    await sleep(20);
    await client.send('DEF');
    assert.deepEqual([(await large).toString(), (await small).toString()], ['ABC', 'DEF']);
  });

  it('peeks over 4 KiB with waitAll, and repeats no byte', async () => {
    const [client, server] = await pair();
    const data = crypto.randomBytes(8192);
    await client.send(data.subarray(0, 6000));
    while (server.bytesAvailable() < 6000) await sleep(5);
    // Peek gives what is there (waitAll does not wait with peek), each byte once.
    const peeked = await server.recv(8192, { peek: true, waitAll: true });
    assert.ok(peeked.length > 4096 && peeked.length <= 6000, `peeked ${peeked.length} bytes`);
    assert.ok(peeked.equals(data.subarray(0, peeked.length)), 'the peek repeated or lost bytes');
    await client.send(data.subarray(6000));
    assert.ok((await server.recv(8192, { waitAll: true })).equals(data), 'the peek took bytes from the stream');
  });

  it('gathers a waitAll read from a thousand small pieces', async function () {
    this.timeout(60000);
    const [client, server] = await pair();
    client.setOption('TCP_NODELAY', true);
    const data = crypto.randomBytes(1000 * 1024);
    const received = server.recv(data.length, { waitAll: true });
    for (let at = 0; at < data.length; at += 1024) await client.send(data.subarray(at, at + 1024));
    assert.ok((await received).equals(data));
  });
});
