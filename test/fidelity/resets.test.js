'use strict';
// A failure that belongs to one incoming connection (a client that resets
// before or right after it is accepted) never stops a listener nor reaches
// 'error'; accept() retries it itself, as libuv does.
const assert = require('node:assert/strict');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const { useSockets } = require('../support/sockets');
const { echo, sleep, useServers } = require('../support/servers');

/**
 * `count` clients that connect to `address` and reset at once, from a
 * worker thread while this thread waits blocked: the connections reset
 * while they wait in the listener's backlog, before any accept takes them.
 */
function resetClients(address, count) {
  const done = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(`
    const { workerData } = require('node:worker_threads');
    const { Socket } = require(workerData.pkg);
    (async () => {
      for (let i = 0; i < workerData.count; i++) {
        const client = new Socket();
        await client.connect(workerData.address);
        client.setOption('SO_LINGER', { enabled: true, seconds: 0 });
        client.close();
      }
    })().finally(() => {
      Atomics.store(workerData.done, 0, 1);
      Atomics.notify(workerData.done, 0);
    });`, { eval: true, workerData: { pkg: path.join(__dirname, '../..'), address, count, done } });
  Atomics.wait(done, 0, 0, 30000);
  return worker.terminate();
}

describe('clients that connect and reset', () => {
  const { make, listener, track } = useSockets();
  const { server, connect } = useServers(make);

  it('leave createServer listening, with nothing on error, and the next client is served', async () => {
    const errors = [];
    const echoing = server({}, echo);
    echoing.on('error', (error) => errors.push(error));
    echoing.on('connectionError', () => {});
    const address = await echoing.listen();
    await resetClients(address, 20);
    await sleep(50);
    const client = await connect(address);
    await client.send('still serving');
    assert.equal((await client.recv()).toString(), 'still serving');
    assert.equal(echoing.listening, true);
    assert.deepEqual(errors, []);
  });

  it('leave a hand-written accept() loop going: it resolves with the next client', async () => {
    const listening = listener();
    await resetClients(listening.localAddress(), 20);
    await sleep(50);
    const client = make();
    await client.connect(listening.localAddress());
    await client.send('hello');
    // Reset connections that were accepted before their reset are handed
    // out too (Linux does that); they fail on their first read. The good
    // one comes after them, with its bytes.
    for (let i = 0; i <= 20; i++) {
      const accepted = track(await listening.accept());
      const data = await accepted.recv().catch((error) => error.code);
      if (data instanceof Buffer && data.toString() === 'hello') return;
    }
    assert.fail('the client after the resets was never accepted');
  });
});
