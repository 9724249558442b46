'use strict';
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const path = require('node:path');
const { IdleReaper } = require('..');
const { useSockets } = require('./support/sockets');

const PACKAGE = path.join(__dirname, '..');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with [socket, idleMs] at the reaper's next 'reap'. */
function nextReap(reaper) {
  return new Promise((resolve) => reaper.once('reap', (socket, idleMs) => resolve([socket, idleMs])));
}

/** Runs `node -e source` with the package at hand; resolves with its exit code and output. */
function runNode(source, timeoutMs) {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['-e', source], { cwd: PACKAGE, timeout: timeoutMs }, (error, stdout, stderr) => {
      resolve({ code: child.exitCode, signal: child.signalCode, stdout, stderr });
    });
  });
}

describe('idle reaper', () => {
  const { make, pair } = useSockets();
  const reapers = [];
  afterEach(() => {
    for (const reaper of reapers.splice(0)) reaper.close();
  });

  /** new IdleReaper(options), closed after the test. */
  function reaper(options) {
    const made = new IdleReaper(options);
    reapers.push(made);
    return made;
  }

  it('reaps an idle connection after at least the timeout, and closes it', async () => {
    const [client, server] = await pair();
    const idle = reaper({ timeout: 100, interval: 20 });
    const started = performance.now();
    idle.add(server);
    const [reaped, idleMs] = await nextReap(idle);
    const waited = performance.now() - started;
    assert.equal(reaped, server);
    assert.ok(idleMs >= 100, `idleMs ${idleMs}`);
    assert.ok(waited >= 100, `reaped after ${waited} ms`);
    assert.equal(server.state, 'closed');
    assert.equal(idle.size, 0);
    // The peer sees the close.
    assert.equal((await client.recv()).length, 0);
  });

  it('emits reap before the socket is closed', async () => {
    const [, server] = await pair();
    const idle = reaper({ timeout: 30, interval: 10 });
    idle.add(server);
    const stateAtReap = await new Promise((resolve) => idle.once('reap', (socket) => resolve(socket.state)));
    assert.equal(stateAtReap, 'connected');
  });

  it('never reaps a connection that keeps trading', async () => {
    const [client, server] = await pair();
    const idle = reaper({ timeout: 250, interval: 20 });
    let reaps = 0;
    idle.on('reap', () => reaps++);
    idle.add(client).add(server);
    const until = performance.now() + 800;
    while (performance.now() < until) {
      await client.send('ping');
      assert.equal((await server.recv(4)).toString(), 'ping');
      await server.send('pong');
      assert.equal((await client.recv(4)).toString(), 'pong');
      await sleep(10);
    }
    assert.equal(reaps, 0);
    assert.equal(idle.size, 2);
    assert.equal(client.state, 'connected');
    assert.equal(server.state, 'connected');
  });

  it('reaps a socket with a pending recv and no traffic; the recv rejects with ERR_SOCKET_IDLE_TIMEOUT', async () => {
    const [, server] = await pair();
    const idle = reaper({ timeout: 60, interval: 15 });
    idle.add(server);
    const pending = server.recv();
    await assert.rejects(pending, { code: 'ERR_SOCKET_IDLE_TIMEOUT' });
    assert.equal(server.state, 'closed');
  });

  it('counts the clock from add() for a socket that was idle before', async () => {
    const [, server] = await pair();
    await sleep(80);
    const idle = reaper({ timeout: 60, interval: 10 });
    idle.add(server);
    assert.equal(idle.sweep(), 0);
    assert.equal(server.state, 'connected');
  });

  it('lets a closed socket leave by itself, so size stays exact', async () => {
    const [client, server] = await pair();
    const idle = reaper({ timeout: 10000 });
    idle.add(client).add(server).add(server);
    assert.equal(idle.size, 2);
    client.close();
    assert.equal(idle.size, 1);
    assert.equal(idle.has(client), false);
    assert.equal(idle.delete(server), true);
    assert.equal(idle.delete(server), false);
    assert.equal(idle.size, 0);
    assert.equal(server.state, 'connected');
  });

  it('drops a detached socket as well', async () => {
    const [, server] = await pair();
    const idle = reaper({ timeout: 10000 });
    idle.add(server);
    const transferred = server.detach();
    assert.equal(idle.size, 0);
    const { Socket } = require('..');
    Socket.adopt(transferred).close();
  });

  it('closes no socket when it is closed itself', async () => {
    const [client, server] = await pair();
    const idle = reaper({ timeout: 20, interval: 10 });
    idle.add(client).add(server);
    idle.close();
    assert.equal(idle.size, 0);
    await sleep(80);
    assert.equal(client.state, 'connected');
    assert.equal(server.state, 'connected');
    assert.throws(() => idle.add(client), { code: 'ERR_REAPER_CLOSED' });
  });

  it('sweeps on demand and reports how many it reaped', async () => {
    const sockets = [make(), make(), make()];
    const idle = reaper({ timeout: 20, interval: 100000 });
    for (const socket of sockets) idle.add(socket);
    assert.equal(idle.sweep(), 0);
    await sleep(60);
    assert.equal(idle.sweep(), 3);
    assert.ok(sockets.every((socket) => socket.state === 'closed'));
  });

  it("with idle: 'read', reaps a socket that only writes", async () => {
    const [client, server] = await pair();
    const idle = reaper({ timeout: 120, interval: 20, idle: 'read' });
    idle.add(server);
    const reaped = nextReap(idle);
    let writes = 0;
    while (server.state !== 'closed') {
      await server.send('tick').catch(() => {});
      writes++;
      await sleep(15);
    }
    const [socket, idleMs] = await reaped;
    assert.equal(socket, server);
    assert.ok(idleMs >= 120);
    assert.ok(writes > 3, `only ${writes} writes`);
    await client.recv();
  });

  it("with idle: 'write', keeps a socket that writes", async () => {
    const [client, server] = await pair();
    const idle = reaper({ timeout: 120, interval: 20, idle: 'write' });
    let reaps = 0;
    idle.on('reap', () => reaps++);
    idle.add(server);
    const until = performance.now() + 500;
    while (performance.now() < until) {
      await server.send('tick');
      await client.recv();
      await sleep(15);
    }
    assert.equal(reaps, 0);
    assert.equal(server.state, 'connected');
  });

  it('checks its arguments with Node-style codes', () => {
    assert.throws(() => new IdleReaper(), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => new IdleReaper({}), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => new IdleReaper({ timeout: '5' }), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => new IdleReaper({ timeout: 0 }), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => new IdleReaper({ timeout: -1 }), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => new IdleReaper({ timeout: NaN }), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => new IdleReaper({ timeout: 2 ** 31 }), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => new IdleReaper({ timeout: 100, interval: 0 }), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => new IdleReaper({ timeout: 100, interval: null }), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => new IdleReaper({ timeout: 100, idle: 'both' }), { code: 'ERR_INVALID_ARG_VALUE' });
    assert.throws(() => reaper({ timeout: 100 }).add({}), { code: 'ERR_INVALID_ARG_TYPE' });
  });

  it('sweeps every timeout / 4 by default, and at least every 10 ms', () => {
    assert.equal(reaper({ timeout: 1000 }).interval, 250);
    assert.equal(reaper({ timeout: 20 }).interval, 10);
    assert.equal(reaper({ timeout: 20, interval: 3 }).interval, 3);
  });

  it('keeps no timer alive with no sockets, watching a socket, or closed', async function () {
    this.timeout(60000);
    const source = `
      const { IdleReaper, Socket } = require('.');
      new IdleReaper({ timeout: 50 });
      const watching = new IdleReaper({ timeout: 600000, interval: 1000 });
      watching.add(new Socket());
      const closed = new IdleReaper({ timeout: 50 });
      closed.add(new Socket());
      closed.close();
      const emptied = new IdleReaper({ timeout: 50 });
      const socket = new Socket();
      emptied.add(socket);
      emptied.delete(socket);
      console.log('sizes', watching.size, closed.size, emptied.size);
    `;
    const { code, signal, stdout, stderr } = await runNode(source, 30000);
    assert.equal(signal, null, `the child did not exit by itself: ${stderr}`);
    assert.equal(code, 0, stderr);
    assert.equal(stdout.trim(), 'sizes 1 0 0');
  });
});
