'use strict';
// A detach() handle is adopted at most once: a second adopt throws
// ERR_SOCKET_HANDLE_USED and touches nothing (on POSIX a stale fd number
// would otherwise wrap whatever socket now has it).
const assert = require('node:assert/strict');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const { Socket } = require('../..');
const { useSockets } = require('../support/sockets');

describe('adopting a detached socket', () => {
  const { make, pair, track } = useSockets();

  it('works once; a second adopt of the same handle throws ERR_SOCKET_HANDLE_USED', async () => {
    const [client, server] = await pair();
    const handle = server.detach();
    const adopted = track(Socket.adopt(handle));
    assert.throws(() => Socket.adopt(handle), { code: 'ERR_SOCKET_HANDLE_USED' });
    await client.send('still here');
    assert.equal((await adopted.recv()).toString(), 'still here');
  });

  it('leaves alone the socket that reuses a closed one\'s descriptor', async () => {
    const first = make();
    const handle = first.detach();
    track(Socket.adopt(handle)).close();
    // The next socket likely gets the descriptor number just freed.
    const next = make();
    assert.throws(() => Socket.adopt(handle), { code: 'ERR_SOCKET_HANDLE_USED' });
    next.bind({ address: '127.0.0.1', port: 0 });
    assert.equal(next.state, 'bound');
  });

  it('refuses bytes that no detach() returned with ERR_INVALID_ARG_VALUE', () => {
    for (const transfer of [new ArrayBuffer(0), new ArrayBuffer(3), new ArrayBuffer(64)]) {
      assert.throws(() => Socket.adopt({ transfer, family: 'inet', type: 'stream', state: 'connected' }),
        { code: 'ERR_INVALID_ARG_VALUE' });
    }
  });

  it('adopts a handle in one thread only when two threads race for it', async () => {
    const [client, server] = await pair();
    const handle = server.detach();
    const worker = new Worker(`
      const { parentPort, workerData } = require('node:worker_threads');
      const { Socket } = require(workerData.pkg);
      try {
        const socket = Socket.adopt(workerData.handle);
        parentPort.postMessage('adopted');
        socket.recv().then((data) => { parentPort.postMessage(data.toString()); socket.close(); });
      } catch (error) {
        parentPort.postMessage(error.code);
      }`, { eval: true, workerData: { pkg: path.join(__dirname, '../..'), handle } });
    let here;
    try {
      here = track(Socket.adopt(handle));
    } catch (error) {
      here = error.code;
    }
    const there = await new Promise((resolve) => worker.once('message', resolve));
    const outcomes = [typeof here === 'string' ? here : 'adopted', there].sort();
    assert.deepEqual(outcomes, ['ERR_SOCKET_HANDLE_USED', 'adopted']);
    await client.send('to whoever has it');
    if (typeof here !== 'string') assert.equal((await here.recv()).toString(), 'to whoever has it');
    else assert.equal(await new Promise((resolve) => worker.once('message', resolve)), 'to whoever has it');
    await worker.terminate();
  });
});
