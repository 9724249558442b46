'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const { useSockets } = require('./support/sockets');

const PACKAGE = path.join(__dirname, '..');

function runWorker(source, workerData) {
  return new Worker(`const { parentPort, workerData } = require('node:worker_threads');
const { Socket } = require(${JSON.stringify(PACKAGE)});
${source}`, { eval: true, workerData });
}

function nextMessage(worker) {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

describe('worker threads', () => {
  const { listener, track } = useSockets();

  it('runs a socket inside a Worker, which trades bytes with the main thread', async () => {
    const server = listener();
    const worker = runWorker(`(async () => {
      const client = new Socket();
      await client.connect(workerData.address);
      await client.send('from worker');
      const reply = await client.recv();
      client.close();
      parentPort.postMessage(reply.toString());
    })().catch((error) => parentPort.postMessage('failed: ' + error.message));`, { address: server.localAddress() });
    const accepted = track(await server.accept());
    assert.equal((await accepted.recv()).toString(), 'from worker');
    await accepted.send('from main');
    assert.equal(await nextMessage(worker), 'from main');
    assert.equal(await new Promise((resolve) => worker.once('exit', resolve)), 0);
  });

  it('lets a Worker be terminated with sockets open and operations pending', async () => {
    const server = listener();
    const worker = runWorker(`(async () => {
      const own = new Socket().bind({ address: '127.0.0.1', port: 0 }).listen();
      own.accept().catch(() => {});
      const client = new Socket();
      await client.connect(workerData.address);
      client.recv().catch(() => {});
      parentPort.postMessage('ready');
    })();`, { address: server.localAddress() });
    // Listened for before the accept is awaited: the Worker posts as soon
    // as its connect completes, and a message nobody listens for is lost.
    const ready = nextMessage(worker);
    const accepted = track(await server.accept());
    assert.equal(await ready, 'ready');
    const exitCode = await worker.terminate();
    assert.equal(exitCode, 1);
    // The Worker's sockets were closed by its cleanup: the peer sees EOF.
    assert.equal((await accepted.recv()).length, 0);
  });

  it('keeps the main thread sockets working after Workers came and went', async () => {
    for (let i = 0; i < 3; i++) {
      const worker = runWorker(`new Socket().bind({ address: '127.0.0.1', port: 0 }); parentPort.postMessage('made');`);
      assert.equal(await nextMessage(worker), 'made');
      await worker.terminate();
    }
    const server = listener();
    assert.ok(server.localAddress().port > 0);
  });
});
