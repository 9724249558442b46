'use strict';
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const path = require('node:path');
const { useSockets } = require('./support/sockets');
const { sleep, until, useServers } = require('./support/servers');

const fixture = (name) => path.join(__dirname, 'fixtures', name);


describe('createServer with worker threads', () => {
  const { make, readExactly, readToEnd } = useSockets();
  const { server, connect } = useServers(make);

  /** Opens a connection, sends a command to command-handler.js and returns the client. */
  async function command(address, text) {
    const client = await connect(address);
    await client.send(text);
    return client;
  }

  it('serves 200 connections in 4 worker threads, each echoing every byte', async function () {
    this.timeout(60000);
    const pool = server({ workers: 4, workerScript: fixture('echo-thread-id.js') });
    const address = await pool.listen();
    const threadIds = new Set();
    const serveOne = async () => {
      const client = await connect(address);
      const id = (await readExactly(client, 4)).readUInt32BE(0);
      const payload = crypto.randomBytes(1024 + crypto.randomInt(16384));
      await client.send(payload);
      client.shutdown('send');
      const echoed = await readToEnd(client);
      assert.ok(echoed.equals(payload), `connection served by thread ${id} echoed other bytes`);
      client.close();
      threadIds.add(id);
    };
    // 200 connections, 50 at a time.
    for (let batch = 0; batch < 4; batch++) await Promise.all(Array.from({ length: 50 }, serveOne));
    assert.equal(threadIds.size, 4, `thread ids: ${[...threadIds]}`);
    assert.ok([...threadIds].every((id) => id > 0), `thread ids: ${[...threadIds]}`);
    await until(() => pool.connections === 0);
  });

  it('reports a handler that rejects in a worker as connectionError, closes that connection, and keeps serving', async () => {
    const pool = server({ workers: 2, workerScript: fixture('command-handler.js') });
    const failures = [];
    pool.on('connectionError', (error, socket) => failures.push([error.code, error.message, socket.state]));
    const address = await pool.listen();
    const failing = await command(address, 'throw');
    assert.equal((await failing.recv()).length, 0);
    await until(() => failures.length === 1);
    assert.deepEqual(failures, [['E_TOLD', 'told to throw', 'closed']]);
    const echoing = await command(address, 'again');
    assert.equal((await readToEnd(echoing)).toString(), 'again');
  });

  it('restarts a worker that died, after closing the connections it held', async () => {
    // No age is too young here: the restart does not depend on how fast this machine is.
    const pool = server({ workers: 1, workerScript: fixture('command-handler.js'), minUptime: 0 });
    const exits = [];
    pool.on('workerExit', (exit) => exits.push(exit));
    const address = await pool.listen();
    const held = await command(address, 'hold');
    const firstThread = (await held.recv()).toString();
    const killer = await command(address, 'exit');
    assert.equal((await held.recv()).length, 0, 'the held connection survived its worker');
    assert.equal((await killer.recv()).length, 0);
    await until(() => exits.length === 1);
    assert.equal(exits[0].exitCode, 3);
    assert.equal(exits[0].restarted, true);
    assert.equal(String(exits[0].threadId), firstThread);
    await until(() => pool.connections === 0);
    const next = await command(address, 'hold');
    const nextThread = (await next.recv()).toString();
    assert.notEqual(nextThread, firstThread);
    next.close();
  });

  it('stops handing connections to a worker that died younger than minUptime', async () => {
    // Every worker here is younger than that (about 24 days): under qemu a
    // worker's start and one command took longer than the default second.
    const pool = server({ workers: 1, workerScript: fixture('command-handler.js'), minUptime: 0x7fffffff });
    const exits = [];
    pool.on('workerExit', (exit) => exits.push(exit));
    const address = await pool.listen();
    const killer = await command(address, 'exit');
    assert.equal((await killer.recv()).length, 0);
    await until(() => exits.length === 1);
    assert.equal(exits[0].restarted, false);
    const refused = await connect(address);
    assert.equal((await refused.recv()).length, 0);
    assert.equal(pool.rejected, 1);
  });

  it('rejects listen() when workerScript exports no handler', async () => {
    const pool = server({ workers: 2, workerScript: fixture('not-a-handler.js') });
    await assert.rejects(pool.listen(), /must export the connection handler/);
    assert.equal(pool.listening, false);
  });

  it('terminates the workers on close(), closing the connections they held', async () => {
    const pool = server({ workers: 2, workerScript: fixture('command-handler.js') });
    const exits = [];
    pool.on('workerExit', (exit) => exits.push(exit));
    const address = await pool.listen();
    const clients = [await command(address, 'hold'), await command(address, 'hold')];
    const threads = await Promise.all(clients.map(async (client) => (await client.recv()).toString()));
    assert.equal(new Set(threads).size, 2, 'least-loaded dispatch gave both to one worker');
    assert.equal(pool.connections, 2);
    await pool.close();
    for (const client of clients) assert.equal((await client.recv()).length, 0);
    assert.equal(pool.connections, 0);
    assert.deepEqual(exits, [], 'a worker stopped by close() was reported as a crash');
  });

  it('waits for the connections held in workers on close({ graceful: true })', async () => {
    const pool = server({ workers: 2, workerScript: fixture('command-handler.js') });
    const address = await pool.listen();
    const client = await command(address, 'hold');
    await client.recv();
    let settled = false;
    const closing = pool.close({ graceful: true }).then(() => { settled = true; });
    await sleep(100);
    assert.equal(settled, false);
    client.close();
    await closing;
    assert.equal(pool.connections, 0);
  });

  it('reaps idle connections inside the workers with idleTimeout', async () => {
    const pool = server({ workers: 2, workerScript: fixture('command-handler.js'), idleTimeout: 80 });
    const address = await pool.listen();
    const client = await command(address, 'hold');
    await client.recv();
    const started = performance.now();
    assert.equal((await client.recv()).length, 0);
    assert.ok(performance.now() - started >= 60);
    await until(() => pool.connections === 0);
  });
});
