'use strict';
// The idle reaper at work: a server with idleTimeout echoes one message,
// then the client goes quiet and the reaper closes the connection.
//   node examples/reaper-demo.js
const { createServer, Socket } = require('..');

const IDLE_TIMEOUT = 500;

async function echo(socket) {
  for (;;) {
    const chunk = await socket.recv();
    if (chunk.length === 0) break;
    await socket.send(chunk);
  }
  socket.close();
}

async function main() {
  const server = createServer({ address: '127.0.0.1', port: 0, idleTimeout: IDLE_TIMEOUT }, echo);
  server.on('reap', (socket, idleMs) => {
    console.log(`reaper   closed a connection idle for ${idleMs.toFixed(1)} ms (timeout ${IDLE_TIMEOUT} ms)`);
  });
  // The echo handler's pending recv ends with the reaper's code: expected here.
  server.on('connectionError', (error) => {
    if (error.code !== 'ERR_SOCKET_IDLE_TIMEOUT') throw error;
    console.log(`server   the handler's pending recv() rejected with ${error.code}`);
  });
  const address = await server.listen();
  console.log(`server   listening on ${address.address}:${address.port}, idleTimeout ${IDLE_TIMEOUT} ms`);

  const client = new Socket();
  await client.connect(address);
  await client.send('hello');
  console.log(`client   sent 'hello', got '${await client.recv()}' back; now silent`);

  const quietSince = performance.now();
  const eof = await client.recv();
  const waited = performance.now() - quietSince;
  console.log(`client   saw ${eof.length === 0 ? 'EOF' : 'data'} after waiting ${waited.toFixed(1)} ms`);

  client.close();
  await server.close();
  console.log(`server   closed (${server.connections} connections open)`);
}

module.exports = main;

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
