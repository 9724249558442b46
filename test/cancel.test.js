'use strict';
const assert = require('node:assert/strict');
const { SocketError } = require('..');
const { useSockets, LOOPBACK } = require('./support/sockets');

describe('timeouts and cancellation', () => {
  const { make, pair, listener } = useSockets();

  // A listener whose accept queue is full: the kernel drops further SYNs,
  // so a connect to it waits (loopback only; nothing leaves the machine).
  async function unansweredAddress() {
    const server = listener('inet', 0);
    const address = server.localAddress();
    const fillers = [];
    for (let i = 0; i < 4; i++) {
      const filler = make();
      fillers.push(filler.connect(address, { timeout: 200 }).catch(() => {}));
    }
    await Promise.all(fillers);
    return address;
  }

  it('rejects connect with ETIMEDOUT after its timeout and closes the socket', async function () {
    const address = await unansweredAddress();
    const socket = make();
    const error = await socket.connect(address, { timeout: 100 }).then(() => null, (e) => e);
    if (error === null) {
      // The stack answered the SYN after all: there was nothing to time out.
      this.test.title += ' (skipped: the full backlog still answered, nothing timed out)';
      this.skip();
    }
    assert.ok(error instanceof SocketError);
    assert.equal(error.code, 'ETIMEDOUT');
    assert.equal(error.syscall, 'connect');
    assert.equal(error.port, address.port);
    assert.equal(socket.state, 'closed');
  });

  it('aborts a connect with its signal, leaving the socket closed', async () => {
    const controller = new AbortController();
    const socket = make();
    const connecting = socket.connect(await unansweredAddress(), { signal: controller.signal });
    controller.abort();
    await assert.rejects(connecting, (error) => error.name === 'AbortError' && error.code === 'ABORT_ERR');
    assert.equal(socket.state, 'closed');
  });

  it('aborts a pending recv with its signal and keeps the socket usable', async () => {
    const [client, server] = await pair();
    const controller = new AbortController();
    const pending = server.recv(100, { signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, { name: 'AbortError' });
    assert.equal(server.state, 'connected');
    await client.send('after the abort');
    assert.equal((await server.recv()).toString(), 'after the abort');
  });

  it('aborts a pending accept with its signal and keeps listening', async () => {
    const server = listener();
    const controller = new AbortController();
    const pending = server.accept({ signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, { name: 'AbortError' });
    assert.equal(server.state, 'listening');
    const client = make();
    const [accepted] = await Promise.all([server.accept(), client.connect(server.localAddress())]);
    accepted.close();
  });

  it('rejects at once with a signal that was already aborted', async () => {
    const [, server] = await pair();
    await assert.rejects(server.recv(10, { signal: AbortSignal.abort() }), { name: 'AbortError' });
    await assert.rejects(make().connect({ address: LOOPBACK.inet, port: 9 }, { signal: AbortSignal.abort() }), { name: 'AbortError' });
  });
});
