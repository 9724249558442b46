'use strict';
// `npm start`: the classic socket sequence on loopback, each call printed
// with its result, and every state change as it happens.
const { Socket, backend, description } = require('..');
const reaperDemo = require('./reaper-demo');

const t0 = performance.now();
function log(who, call, result = '') {
  const ms = (performance.now() - t0).toFixed(1).padStart(7);
  console.log(`${ms} ms  ${who.padEnd(7)} ${result ? `${call.padEnd(30)} -> ${result}` : call}`);
}

function watch(who, socket) {
  socket.on('state', (next, previous) => log(who, `  state: ${previous} => ${next}`));
  return socket;
}

function show(address) {
  return address.family === 'inet6' ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
}

async function main() {
  console.log(`backend: ${backend} (${description})`);

  const server = watch('server', new Socket({ family: 'inet', type: 'stream' }));
  log('server', `socket()`, `fd ${server.fd}`);
  server.bind({ address: '127.0.0.1', port: 0 });
  log('server', `bind(127.0.0.1:0)`, `${show(server.localAddress())}`);
  server.listen(16);
  log('server', 'listen(16)', 'ok');

  const client = watch('client', new Socket());
  log('client', `socket()`, `fd ${client.fd}`);
  const accepting = server.accept();
  log('server', 'accept()', 'pending');
  await client.connect(server.localAddress());
  log('client', `connect(${show(server.localAddress())})`, `connected from ${show(client.localAddress())}`);
  const connection = watch('conn', await accepting);
  log('server', `accept()`, `connection from ${show(connection.remoteAddress())}, state ${connection.state}`);

  const sent = await client.send('hello, server');
  log('client', `send("hello, server")`, `${sent} bytes`);
  const request = await connection.recv(1024);
  log('conn', `recv(1024)`, `"${request}"`);
  const replied = await connection.send('hello, client');
  log('conn', `send("hello, client")`, `${replied} bytes`);
  const reply = await client.recv(1024);
  log('client', `recv(1024)`, `"${reply}"`);

  client.shutdown('send');
  log('client', `shutdown('send')`, `writable ${client.writable}, readable ${client.readable}`);
  const end = await connection.recv(1024);
  log('conn', `recv(1024)`, `${end.length} bytes: EOF, readable ${connection.readable}`);
  await connection.send('goodbye');
  log('conn', 'send("goodbye")', 'the half-closed peer can still read');
  log('client', `recv(1024)`, `"${await client.recv(1024)}"`);

  connection.close();
  log('conn', 'close()');
  client.close();
  log('client', 'close()');
  server.close();
  log('server', 'close()');

  console.log('\nThe idle reaper: a connection that goes quiet is closed by itself.');
  await reaperDemo();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
