'use strict';
// Urgent data is a queue of its own: every urgent byte fires 'urgent' and
// carries it, none is lost or doubled, the stream around it stays whole and
// in order, and recv({ oob }) works while the stream is read continuously.
const assert = require('node:assert/strict');
const { once } = require('node:events');
const { useSockets } = require('../support/sockets');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe('urgent bytes', () => {
  const { pair } = useSockets();

  /**
   * Sends 'abc', then each of `urgent` as an urgent byte with a plain byte
   * after it, then closes. One urgent byte at a time: TCP holds one, and a
   * later one takes its place, so each waits for `handled(i)` (by default
   * 10 ms) before the next goes.
   */
  async function sendAround(client, urgent, handled = () => sleep(10)) {
    await client.send('abc');
    for (const [i, byte] of [...urgent].entries()) {
      await client.send(byte, { oob: true });
      await client.send('.');
      await handled(i);
    }
    await client.send('def');
    client.shutdown('send');
  }

  it("fires 'urgent' with each of 11 urgent bytes while the stream is read continuously", async () => {
    const [client, server] = await pair();
    const urgent = [];
    server.on('urgent', (byte) => urgent.push(byte.toString()));
    const chunks = [];
    const ended = new Promise((resolve) => server.startReading((chunk) => chunks.push(chunk), resolve));
    const sent = 'ABCDEFGHIJK';
    await sendAround(client, sent);
    await ended;
    assert.equal(urgent.join(''), sent);
    assert.equal(Buffer.concat(chunks).toString(), `abc${'.'.repeat(sent.length)}def`);
  });

  it('reads the urgent byte with recv({ oob }) inside an urgent listener, while reading continuously', async () => {
    const [client, server] = await pair();
    const read = [];
    server.on('urgent', () => {
      server.recv(1, { oob: true }).then((byte) => read.push(byte.toString()), (error) => read.push(error.code));
    });
    const chunks = [];
    const ended = new Promise((resolve) => server.startReading((chunk) => chunks.push(chunk), resolve));
    // Each byte once its recv has settled: a loaded machine may run the
    // listener's recv later than any fixed pause.
    await sendAround(client, 'XYZ', async (i) => {
      while (read.length <= i) await sleep(1);
    });
    await ended;
    assert.deepEqual(read, ['X', 'Y', 'Z']);
    assert.equal(Buffer.concat(chunks).toString(), 'abc...def');
  });

  it('keeps the urgent byte for recv({ oob }) after the event, peeked or taken', async () => {
    const [client, server] = await pair();
    const urgent = once(server, 'urgent');
    await client.send('!', { oob: true });
    const [byte] = await urgent;
    assert.equal(byte.toString(), '!');
    assert.equal((await server.recv(1, { oob: true, peek: true })).toString(), '!');
    assert.equal((await server.recv(1, { oob: true })).toString(), '!');
  });

  it('serves the stream of three sockets waiting for urgent data, timers included', async () => {
    const pairs = [await pair(), await pair(), await pair()];
    for (const [, server] of pairs) server.on('urgent', () => {});
    await sleep(10);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    for (const [client, server] of pairs) {
      await client.send('ping');
      assert.equal((await server.recv()).toString(), 'ping');
      await server.send('pong');
      assert.equal((await client.recv()).toString(), 'pong');
    }
    await sleep(20);
    clearInterval(timer);
    assert.ok(ticks > 0, 'timers stopped firing');
  });
});
