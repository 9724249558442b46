'use strict';
// A send that waits owns its bytes: the caller's ArrayBuffer may be
// transferred (and its memory freed) the moment JS runs again. The peer
// must receive exactly the bytes given at the call, never other memory.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { MessageChannel } = require('node:worker_threads');
const { useSockets } = require('../support/sockets');
const { collectGarbage } = require('./support');

/** Takes the buffer's memory away from `view`, as each kind of transfer does. */
const TRANSFERS = {
  'structuredClone with transfer': (view) => structuredClone(view.buffer, { transfer: [view.buffer] }),
  'postMessage with transfer': (view) => {
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(view.buffer, [view.buffer]);
    port1.close();
    port2.close();
  },
  'ArrayBuffer.prototype.transfer': (view) => view.buffer.transfer(),
};

describe('a pending send whose buffer is transferred away', () => {
  const { pair, readExactly } = useSockets();

  async function sendThenTransfer(size, transfer, how) {
    const [client, server] = await pair();
    // Small buffers, so that the send waits for the peer (who reads later).
    if (size <= 1024 * 1024) {
      client.setOption('SO_SNDBUF', 65536);
      server.setOption('SO_RCVBUF', 65536);
    }
    const expected = crypto.randomBytes(size);
    let view = new Uint8Array(size);
    view.set(expected);
    const sent = how === 'write' ? new Promise((resolve) => {
      client.write(view);
      client.once('drain', () => resolve(size));
    }) : client.send(view);
    let settled = false;
    sent.then(() => { settled = true; }, () => { settled = true; });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, 'the send did not wait: this test would prove nothing');
    transfer(view);
    assert.equal(view.byteLength, 0, 'the transfer left the view attached');
    view = null;
    // Other allocations may now reuse the freed memory.
    await collectGarbage();
    const filler = Array.from({ length: 64 }, () => Buffer.alloc(64 * 1024, 0xee));
    // A send that fails (EFAULT) fails the test at once.
    const [received, count] = await Promise.all([readExactly(server, size), sent]);
    assert.equal(count, size);
    assert.equal(received.length, size);
    assert.ok(received.equals(expected), 'the peer received bytes the caller never gave');
    filler.length = 0;
  }

  for (const [name, transfer] of Object.entries(TRANSFERS)) {
    const available = name !== 'ArrayBuffer.prototype.transfer' || typeof ArrayBuffer.prototype.transfer === 'function';
    const title = `sends the bytes given at the call after ${name} and a collection (1 MiB)`;
    if (!available) {
      it(`${title} (skipped: this Node has no ArrayBuffer.prototype.transfer)`);
      continue;
    }
    it(title, () => sendThenTransfer(1024 * 1024, transfer, 'send'));
  }

  it('sends 64 MiB intact although its buffer went away mid-send', function () {
    this.timeout(120000);
    return sendThenTransfer(64 * 1024 * 1024, TRANSFERS['structuredClone with transfer'], 'send');
  });

  it('does the same for bytes queued with write()', () => sendThenTransfer(1024 * 1024, TRANSFERS['structuredClone with transfer'], 'write'));
});
