'use strict';
// A read costs what arrives, not what was asked: the memory behind
// recv(2**31 - 1) follows the bytes that came. (Resident memory is compared
// with what a zero-filled buffer of the asked size would take.)
const assert = require('node:assert/strict');
const { useSockets } = require('../support/sockets');

const HUGE = 2 ** 31 - 1;
const MiB = 1024 * 1024;

/** Resident memory grown by `run`, in MiB. */
async function residentGrowth(run) {
  const before = process.memoryUsage().rss;
  await run();
  return (process.memoryUsage().rss - before) / MiB;
}

describe('reads of huge sizes', () => {
  const { pair, datagram } = useSockets();

  it('recv(2**31 - 1) of five bytes takes memory for five, three times over', async function () {
    this.timeout(60000);
    const [client, server] = await pair();
    const grown = await residentGrowth(async () => {
      for (let i = 0; i < 3; i++) {
        await client.send('hello');
        assert.equal((await server.recv(HUGE)).toString(), 'hello');
      }
    });
    assert.ok(grown < 256, `resident memory grew by ${grown.toFixed(0)} MiB`);
  });

  it('recv(2**31 - 1, { waitAll }) gathers what arrives until EOF, no more', async function () {
    this.timeout(60000);
    const [client, server] = await pair();
    const data = Buffer.alloc(3 * MiB, 7);
    const grown = await residentGrowth(async () => {
      const received = server.recv(HUGE, { waitAll: true });
      await client.send(data);
      client.shutdown('send');
      assert.ok((await received).equals(data));
    });
    assert.ok(grown < 256, `resident memory grew by ${grown.toFixed(0)} MiB`);
  });

  it('recvFrom(2**31 - 1) of a datagram takes memory for the datagram', async function () {
    this.timeout(60000);
    const receiver = datagram();
    const sender = datagram();
    const grown = await residentGrowth(async () => {
      for (let i = 0; i < 3; i++) {
        await sender.sendTo('datagram', receiver.localAddress());
        const { data, truncated } = await receiver.recvFrom(HUGE);
        assert.deepEqual([data.toString(), truncated], ['datagram', false]);
      }
    });
    assert.ok(grown < 256, `resident memory grew by ${grown.toFixed(0)} MiB`);
  });

  it('reads continuously with a chunk size of 2**31 - 1 at the cost of what arrives', async function () {
    this.timeout(60000);
    const [client, server] = await pair();
    const grown = await residentGrowth(async () => {
      const chunks = [];
      const ended = new Promise((resolve) => server.startReading((chunk) => chunks.push(chunk), resolve, { size: HUGE }));
      await client.send(Buffer.alloc(MiB, 1));
      client.shutdown('send');
      await ended;
      assert.equal(Buffer.concat(chunks).length, MiB);
    });
    assert.ok(grown < 256, `resident memory grew by ${grown.toFixed(0)} MiB`);
  });

  it('keeps a datagram larger than the read buffer of a loop whole', async () => {
    const receiver = datagram();
    const sender = datagram();
    receiver.setOption('SO_RCVBUF', 1024 * 1024);
    const data = Buffer.alloc(65000, 3);
    await sender.sendTo(data, receiver.localAddress());
    const { data: got, truncated } = await receiver.recvFrom(HUGE);
    assert.equal(truncated, false);
    assert.ok(got.equals(data));
  });
});
