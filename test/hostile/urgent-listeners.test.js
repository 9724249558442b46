'use strict';
// An 'urgent' listener must keep neither a dropped socket nor the process
// alive: a socket nobody references is collected and closed, listeners or
// not, and a process whose only work is waiting for urgent data exits.
const assert = require('node:assert/strict');
const { Socket } = require('../..');
const { useSockets } = require('../support/sockets');
const { collectGarbage, outcomeWithin, runFixture } = require('./support');

describe('a socket with an urgent listener', () => {
  const { listener, track } = useSockets();

  it('is collected and closed once dropped, after the peer\'s FIN', async () => {
    const server = listener();
    const peers = [];
    for (let i = 0; i < 4; i++) {
      // Made in a function of its own: no reference outlives it.
      // eslint-disable-next-line no-loop-func
      await (async () => {
        const client = new Socket();
        await client.connect(server.localAddress());
        client.on('urgent', () => {});
        const peer = track(await server.accept());
        peer.shutdown('send');
        peers.push(peer);
      })();
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    await collectGarbage(5);
    // Each collected socket was closed: its peer reads EOF.
    for (const peer of peers) {
      const outcome = await outcomeWithin(peer.recv(), 5000);
      assert.notEqual(outcome, 'pending', 'a dropped socket was never closed');
      assert.equal(outcome.value.length, 0);
    }
  });

  it('lets the process exit when nothing but urgent waits is left', async function () {
    this.timeout(60000);
    const run = await runFixture('exit-with-urgent-listeners.js', [], 30000);
    assert.equal(run.signal, null, 'the process did not exit by itself');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /waiting for urgent data on 2 sockets/);
  });
});
