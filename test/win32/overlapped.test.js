'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const { Socket } = require('../..');
const { useSockets } = require('../support/sockets');
const { describeWinsock } = require('./support');

const PACKAGE = path.join(__dirname, '..', '..');

describeWinsock('overlapped operations on the completion port', () => {
  const { pair, track, listener } = useSockets();

  it('keeps the urgent byte the wait took for the next recv({ oob: true })', async () => {
    const [client, server] = await pair();
    const urgent = new Promise((resolve) => server.once('urgent', resolve));
    // Let the pending WSARecv(MSG_OOB) start before the byte is sent.
    await new Promise((resolve) => setImmediate(resolve));
    await client.send('!', { oob: true });
    await urgent;
    assert.equal((await server.recv(1, { oob: true, peek: true })).toString(), '!');
    assert.equal((await server.recv(1, { oob: true })).toString(), '!');
  });

  it('lets a socket with an urgent listener be detached', async () => {
    const [client] = await pair();
    client.on('urgent', () => {});
    await new Promise((resolve) => setImmediate(resolve));
    const transferred = client.detach();
    assert.equal(client.state, 'closed');
    track(Socket.adopt(transferred));
  });

  it('hands a detached socket to a Worker, which adopts it on its own completion port', async () => {
    const [client, server] = await pair();
    const transferred = server.detach();
    const worker = new Worker(`const { parentPort, workerData } = require('node:worker_threads');
const { Socket } = require(${JSON.stringify(PACKAGE)});
(async () => {
  const socket = Socket.adopt(workerData);
  const got = await socket.recv();
  await socket.send('pong:' + got);
  socket.close();
})().catch((error) => parentPort.postMessage('failed: ' + error.message));`,
    { eval: true, workerData: transferred, transferList: [transferred.transfer] });
    const failed = new Promise((resolve) => worker.on('message', resolve));
    await client.send('ping');
    const reply = await Promise.race([client.recv(), failed]);
    assert.equal(reply.toString(), 'pong:ping');
    assert.equal(await new Promise((resolve) => worker.once('exit', resolve)), 0);
  });

  it('completes each operation once when the socket closes with many of them pending', async () => {
    const server = listener();
    const results = [];
    const accepts = Array.from({ length: 8 }, () =>
      server.accept().then(() => 'accepted', (error) => error.code));
    const [client, accepted] = await pair();
    const recvs = Array.from({ length: 8 }, () =>
      accepted.recv().then(() => 'data', (error) => error.code));
    server.close();
    accepted.close();
    results.push(...(await Promise.all([...accepts, ...recvs])));
    assert.deepEqual(results, Array(16).fill('ERR_SOCKET_CLOSED'));
    // The packets of the aborted operations arrive later and must not
    // complete anything again; the client still works.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await client.recv()).length, 0);
  });
});
