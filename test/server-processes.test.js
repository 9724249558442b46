'use strict';
// createServer({ processes }): children (child_process.fork) take the
// accepted connections in turn; the parent only listens and hands over.
const assert = require('node:assert/strict');
const { fork } = require('node:child_process');
const { once } = require('node:events');
const path = require('node:path');
const { backend, createServer } = require('..');
const { useSockets } = require('./support/sockets');

const FIXTURES = path.join(__dirname, 'fixtures');
const CONNECTIONS = 500;

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code !== 'ESRCH';
  }
}

describe('createServer({ processes })', () => {
  const { make, readToEnd } = useSockets();
  let server = null;
  let client = null;
  afterEach(async () => {
    if (client !== null && client.exitCode === null && client.signalCode === null) {
      client.kill('SIGKILL');
      await once(client, 'exit');
    }
    client = null;
    await server?.close();
    server = null;
  });

  async function listen(options) {
    server = createServer({ port: 0, address: '127.0.0.1', processes: 2, processScript: path.join(FIXTURES, 'reply-with-pid.js'), ...options });
    return server.listen();
  }

  it("serves 500 connections from a client process, each reply a child's pid, survives kill -9 of a child, and close() leaves no process behind", async () => {
    const { port } = await listen();
    const first = server.childPids;
    assert.equal(first.length, 2);
    const exits = [];
    server.on('childExit', (exit) => exits.push(exit));
    client = fork(path.join(FIXTURES, 'pid-client.js'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const [victim] = first;
    let killedAt = -1;
    const report = new Promise((resolve, reject) => {
      client.on('message', (message) => {
        if (message.progress !== undefined && killedAt < 0 && message.progress >= CONNECTIONS / 4) {
          killedAt = message.progress;
          process.kill(victim, 'SIGKILL');
        }
        if (message.pids !== undefined) resolve(message);
      });
      client.on('exit', (code) => reject(new Error(`the client exited with ${code} before it reported`)));
    });
    client.send({ port, count: CONNECTIONS, parallel: 4 });
    const { pids } = await report;
    assert.equal(pids.length, CONNECTIONS);
    assert.ok(killedAt > 0, 'the child was killed mid-run');
    assert.ok(!pids.includes(process.pid), "the parent's pid is never a reply");
    for (const pid of first) assert.ok(pids.includes(pid), `child ${pid} served some connections`);
    assert.equal(exits.length, 1);
    assert.equal(exits[0].pid, victim);
    // POSIX reports the signal; Windows has none (TerminateProcess), only an exit code.
    if (backend === 'posix') assert.equal(exits[0].signal, 'SIGKILL');
    else assert.notEqual(exits[0].exitCode, 0);
    assert.equal(exits[0].restarted, true);
    const replacement = server.childPids.find((pid) => !first.includes(pid));
    assert.ok(replacement !== undefined, 'a new child took the place of the dead one');
    const served = new Set(pids);
    for (const pid of served) assert.ok([...first, replacement].includes(pid), `pid ${pid} is one of the server's children`);
    const everyChild = [...first, replacement];
    await server.close();
    server = null;
    for (const pid of everyChild) assert.equal(isRunning(pid), false, `child ${pid} is gone after close()`);
  });

  it("reports a child's handler error as connectionError, with no socket (it lived in the child)", async () => {
    const { port } = await listen({ processScript: path.join(FIXTURES, 'close-then-throw.js') });
    const reported = once(server, 'connectionError');
    const client = make();
    await client.connect({ address: '127.0.0.1', port });
    await client.send('go');
    const [error, socket] = await reported;
    assert.equal(error.code, 'EXAMPLE_FAILURE');
    assert.equal(error.message, 'the handler failed after closing');
    assert.equal(socket, null);
  });

  it("warns of a child's handler error with nobody listening, even when the handler had closed its connection", async () => {
    const { port } = await listen({ processScript: path.join(FIXTURES, 'close-then-throw.js') });
    const warned = new Promise((resolve) => {
      const onWarning = (warning) => {
        if (warning.code !== 'EXAMPLE_FAILURE') return;
        process.off('warning', onWarning);
        resolve(warning);
      };
      process.on('warning', onWarning);
    });
    const client = make();
    await client.connect({ address: '127.0.0.1', port });
    await client.send('go');
    const warning = await warned;
    assert.equal(warning.message, 'the handler failed after closing');
  });

  it('rejects connections beyond maxConnections counted across the children', async () => {
    const { port } = await listen({ maxConnections: 2, processScript: path.join(FIXTURES, 'hold-until-asked.js') });
    const held = [make(), make()];
    for (const socket of held) await socket.connect({ address: '127.0.0.1', port });
    // The count is taken when a connection is handed over: wait until both are.
    while (server.connections < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const extra = make();
    await extra.connect({ address: '127.0.0.1', port });
    assert.equal((await readToEnd(extra)).length, 0, 'the third connection is closed unanswered');
    assert.equal(server.rejected, 1);
    for (const socket of held) {
      await socket.send('now');
      assert.ok(server.childPids.includes(Number(await readToEnd(socket))));
    }
  });

  it("ends idle connections with each child's idle reaper", async () => {
    const { port } = await listen({ idleTimeout: 100, processScript: path.join(FIXTURES, 'hold-until-asked.js') });
    const idle = make();
    await idle.connect({ address: '127.0.0.1', port });
    assert.equal((await readToEnd(idle)).length, 0);
    while (server.connections > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  });

  it('lets a held connection finish before the children exit on close({ graceful: true })', async () => {
    const { port } = await listen({ processScript: path.join(FIXTURES, 'hold-until-asked.js') });
    const pids = server.childPids;
    const held = make();
    await held.connect({ address: '127.0.0.1', port });
    while (server.connections < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    let closed = false;
    const closing = server.close({ graceful: true }).then(() => { closed = true; });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(closed, false, 'close() waits for the held connection');
    await held.send('still served?');
    const reply = Number(await readToEnd(held));
    assert.ok(pids.includes(reply), `the reply ${reply} came from a child`);
    await closing;
    assert.equal(closed, true);
    server = null;
    for (const pid of pids) assert.equal(isRunning(pid), false, `child ${pid} is gone`);
  });

  it('rejects a bad processes option with a coded error', () => {
    assert.throws(() => createServer({ port: 0, processes: 0, processScript: 'x.js' }), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => createServer({ port: 0, processes: 2 }), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => createServer({ port: 0, processScript: 'x.js' }, () => {}), { code: 'ERR_INVALID_ARG_VALUE' });
    assert.throws(() => createServer({ port: 0, processes: 1, processScript: 'x.js', workers: 1, workerScript: 'y.js' }),
      { code: 'ERR_INVALID_ARG_VALUE' });
  });

  it('rejects listen() when a child cannot load its handler', async () => {
    server = createServer({ port: 0, processes: 1, processScript: path.join(FIXTURES, 'exit-at-load.js') });
    await assert.rejects(server.listen(), { code: 'ERR_CHILD_EXITED' });
  });
});
