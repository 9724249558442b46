'use strict';
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const path = require('node:path');
const { createServer, Server, backend } = require('..');
const { useSockets } = require('./support/sockets');
const { sleep, until, echo, useServers } = require('./support/servers');

const PACKAGE = path.join(__dirname, '..');


/** it() that runs on the POSIX backend only, skipped elsewhere with the reason in its title. */
function itOnPosix(reason, title, body) {
  if (backend === 'posix') return it(title, body);
  return it(`${title} (skipped on ${backend}: ${reason})`);
}


describe('createServer', () => {
  const { make, readToEnd } = useSockets();
  const { server, connect } = useServers(make);

  it('listens on the port the stack chose and resolves with that address', async () => {
    const echoing = server({}, echo);
    const address = await echoing.listen();
    assert.equal(address.address, '127.0.0.1');
    assert.ok(address.port > 0);
    assert.deepEqual(echoing.address(), address);
    assert.equal(echoing.listening, true);
    assert.ok(echoing instanceof Server);
  });

  it('hands each connection to the handler, which echoes bytes back', async () => {
    const address = await server({}, echo).listen();
    const clients = await Promise.all([1, 2, 3].map(() => connect(address)));
    await Promise.all(clients.map(async (client, i) => {
      await client.send(`hello ${i}`);
      client.shutdown('send');
      assert.equal((await readToEnd(client)).toString(), `hello ${i}`);
    }));
  });

  it('counts open connections and forgets the closed ones', async () => {
    const echoing = server({}, echo);
    const address = await echoing.listen();
    const clients = await Promise.all([1, 2, 3].map(() => connect(address)));
    await until(() => echoing.connections === 3);
    clients[0].close();
    await until(() => echoing.connections === 2);
    assert.equal(echoing.connections, 2);
  });

  it('closes a connection whose handler throws, emits connectionError, and keeps serving', async () => {
    let calls = 0;
    const faulty = server({}, (socket) => {
      calls++;
      if (calls === 1) throw new Error('handler broke');
      return echo(socket);
    });
    const failures = [];
    faulty.on('connectionError', (error, socket) => failures.push([error.message, socket.state]));
    const address = await faulty.listen();
    const first = await connect(address);
    assert.equal((await first.recv()).length, 0, 'the first connection was not closed');
    assert.deepEqual(failures, [['handler broke', 'connected']]);
    const second = await connect(address);
    await second.send('still there');
    second.shutdown('send');
    assert.equal((await readToEnd(second)).toString(), 'still there');
  });

  it('closes a connection whose async handler rejects, and keeps serving', async () => {
    let calls = 0;
    const faulty = server({}, async (socket) => {
      calls++;
      const data = await socket.recv();
      if (calls === 1) throw Object.assign(new Error(`refused ${data}`), { code: 'E_TEST' });
      await socket.send(data);
      socket.close();
    });
    const failures = [];
    faulty.on('connectionError', (error) => failures.push(error.code));
    const address = await faulty.listen();
    const first = await connect(address);
    await first.send('one');
    assert.equal((await first.recv()).length, 0);
    assert.deepEqual(failures, ['E_TEST']);
    const second = await connect(address);
    await second.send('two');
    assert.equal((await second.recv()).toString(), 'two');
  });

  it('accepts and closes connections beyond maxConnections, counting them as rejected', async () => {
    const limited = server({ maxConnections: 2 }, echo);
    const address = await limited.listen();
    const kept = await Promise.all([connect(address), connect(address)]);
    await until(() => limited.connections === 2);
    const extra = await connect(address);
    assert.equal((await extra.recv()).length, 0, 'the extra connection was not closed');
    assert.equal(limited.rejected, 1);
    assert.equal(limited.connections, 2);
    await kept[0].send('kept');
    assert.equal((await kept[0].recv()).toString(), 'kept');
    kept[1].close();
    await until(() => limited.connections === 1);
    const next = await connect(address);
    await next.send('room again');
    assert.equal((await next.recv()).toString(), 'room again');
    assert.equal(limited.rejected, 1);
  });

  it('reaps idle connections with idleTimeout and emits reap', async () => {
    const reaping = server({ idleTimeout: 80 }, echo);
    const reaps = [];
    reaping.on('reap', (socket, idleMs) => reaps.push(idleMs));
    const address = await reaping.listen();
    assert.equal(reaping.reaper.timeout, 80);
    const client = await connect(address);
    const started = performance.now();
    assert.equal((await client.recv()).length, 0);
    assert.ok(performance.now() - started >= 80);
    assert.equal(reaps.length, 1);
    assert.ok(reaps[0] >= 80);
    await until(() => reaping.connections === 0);
  });

  it('closes open connections on close() and stops accepting', async () => {
    const echoing = server({}, echo);
    const address = await echoing.listen();
    const client = await connect(address);
    await until(() => echoing.connections === 1);
    let closed = 0;
    echoing.on('close', () => closed++);
    await echoing.close();
    assert.equal(closed, 1);
    assert.equal(echoing.connections, 0);
    assert.equal(echoing.listening, false);
    assert.equal(echoing.address(), null);
    assert.equal((await client.recv()).length, 0);
    await assert.rejects(make().connect(address), { code: 'ECONNREFUSED' });
  });

  it('waits for open connections to end on close({ graceful: true })', async () => {
    const echoing = server({}, echo);
    const address = await echoing.listen();
    const client = await connect(address);
    await until(() => echoing.connections === 1);
    let settled = false;
    const closing = echoing.close({ graceful: true }).then(() => { settled = true; });
    await sleep(100);
    assert.equal(settled, false, 'close() did not wait for the open connection');
    await assert.rejects(make().connect(address), { code: 'ECONNREFUSED' });
    await client.send('one more');
    assert.equal((await client.recv()).toString(), 'one more');
    client.close();
    await closing;
    assert.equal(echoing.connections, 0);
  });

  it('ends a graceful close early when close() is called again', async () => {
    const echoing = server({}, echo);
    const address = await echoing.listen();
    const client = await connect(address);
    await until(() => echoing.connections === 1);
    const graceful = echoing.close({ graceful: true });
    await sleep(20);
    await echoing.close();
    await graceful;
    assert.equal((await client.recv()).length, 0);
  });

  it('rejects listen() with EADDRINUSE on a port that is taken, and lets it be tried again', async () => {
    const first = server({}, echo);
    const { port } = await first.listen();
    const second = server({ port }, echo);
    await assert.rejects(second.listen(), { code: 'EADDRINUSE' });
    assert.equal(second.listening, false);
    await first.close();
    assert.equal((await second.listen()).port, port);
  });

  it('refuses a second listen() with ERR_SERVER_ALREADY_LISTEN', async () => {
    const echoing = server({}, echo);
    await echoing.listen();
    await assert.rejects(echoing.listen(), { code: 'ERR_SERVER_ALREADY_LISTEN' });
  });

  const reuseReason = "Winsock's SO_REUSEADDR means binding over a live socket";
  itOnPosix(reuseReason, 'binds a port with a connection in TIME_WAIT again only with reuseAddress', async () => {
    async function leaveTimeWait(options) {
      const first = server(options, (socket) => socket.close()); // the server closes first: TIME_WAIT on its side
      const address = await first.listen();
      const client = await connect(address);
      assert.equal((await client.recv()).length, 0);
      client.close();
      await first.close();
      return address.port;
    }
    const port = await leaveTimeWait({ reuseAddress: true });
    await assert.rejects(server({ port }, echo).listen(), { code: 'EADDRINUSE' });
    const again = await server({ port, reuseAddress: true }, echo).listen();
    assert.equal(again.port, port);
  });

  it('sets SO_EXCLUSIVEADDRUSE with exclusiveAddressUse, which POSIX refuses with ENOPROTOOPT', async () => {
    const exclusive = server({ exclusiveAddressUse: true }, echo);
    if (backend === 'posix') {
      await assert.rejects(exclusive.listen(), { code: 'ENOPROTOOPT' });
      assert.equal(exclusive.listening, false);
    } else {
      const { port } = await exclusive.listen();
      await assert.rejects(server({ port, reuseAddress: true }, echo).listen(), (error) =>
        ['EADDRINUSE', 'EACCES'].includes(error.code));
    }
    // exclusiveAddressUse: false asks for nothing, everywhere.
    assert.ok((await server({ exclusiveAddressUse: false }, echo).listen()).port > 0);
  });

  it('checks its arguments with Node-style codes', () => {
    const handler = () => {};
    assert.throws(() => createServer(), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => createServer({}, handler), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => createServer({ port: 70000 }, handler), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => createServer({ port: 1.5 }, handler), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => createServer({ port: 0 }), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => createServer({ port: 0, family: 'unix' }, handler), { code: 'ERR_INVALID_ARG_VALUE' });
    assert.throws(() => createServer({ port: 0, address: 1 }, handler), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => createServer({ port: 0, backlog: -1 }, handler), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => createServer({ port: 0, reuseAddress: 1 }, handler), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => createServer({ port: 0, idleTimeout: 0 }, handler), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => createServer({ port: 0, maxConnections: -1 }, handler), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => createServer({ port: 0, workers: 0, workerScript: 'x.js' }), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => createServer({ port: 0, workers: 2 }), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => createServer({ port: 0, workerScript: 'x.js' }, handler), { code: 'ERR_INVALID_ARG_VALUE' });
    assert.throws(() => createServer({ port: 0, workers: 1, workerScript: 'x.js', minUptime: -1 }), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => createServer({ port: 0, workers: 1, workerScript: 'x.js', minUptime: '1000' }), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => createServer({ port: 0, minUptime: 1000 }, handler), { code: 'ERR_INVALID_ARG_VALUE' });
  });

  itOnPosix('it needs a descriptor limit (ulimit -n)', 'keeps accepting after EMFILE, emitting it as acceptError, never error', async function () {
    this.timeout(60000);
    const CLIENTS = 120;
    // The server runs in a child limited to 64 descriptors; it drops all it
    // holds at each EMFILE, so every client is accepted in the end only if
    // the accept loop outlived the errors.
    const source = `
      const { createServer } = require('.');
      const held = [];
      let accepted = 0, emfile = 0;
      const server = createServer({ address: '127.0.0.1', port: 0, backlog: ${CLIENTS} }, (socket) => {
        held.push(socket);
        if (++accepted === ${CLIENTS}) {
          console.log(JSON.stringify({ accepted, emfile }));
          server.close().then(() => process.exit(0));
        }
      });
      server.on('error', (error) => { throw error; });
      server.on('acceptError', (error) => {
        if (error.code !== 'EMFILE') throw error;
        emfile++;
        for (const socket of held.splice(0)) socket.close();
      });
      server.listen().then((address) => console.log(address.port));
    `;
    const child = spawn('bash', ['-c', 'ulimit -n 64 && exec "$0" -e "$1"', process.execPath, source], { cwd: PACKAGE });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data) => { stdout += data; });
    child.stderr.on('data', (data) => { stderr += data; });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await until(() => stdout.includes('\n') || child.exitCode !== null);
    const port = Number(stdout.split('\n')[0]);
    assert.ok(port > 0, `no port from the child: ${stdout} ${stderr}`);
    const clients = [];
    for (let i = 0; i < CLIENTS; i++) clients.push(await connect({ address: '127.0.0.1', port }));
    assert.equal(await exited, 0, stderr);
    const report = JSON.parse(stdout.split('\n')[1]);
    assert.equal(report.accepted, CLIENTS);
    assert.ok(report.emfile >= 1, 'the child never ran out of descriptors');
  });
});
