'use strict';
// The classic forking server: on each accept, a child process is created
// for the connection, and the listening socket stays free for the next one.
// The parent hands the accepted socket over (SCM_RIGHTS on POSIX,
// WSADuplicateSocketW on Windows: see forkWithChannel) and closes its copy;
// the child serves it (here: one line back in capitals) and exits.
//
//   node examples/child-per-connection.js               serve on a free port
//   node examples/child-per-connection.js --clients 3   serve 3 clients of its own, then exit
//
// createServer({ processes: n, processScript }) is the same idea with a
// pool of n children that take connections in turn.
const { Socket, SocketChannel, forkWithChannel } = require('..');

async function child() {
  const channel = SocketChannel.fromParent();
  const { socket } = await channel.receiveSocket();
  channel.close();
  const line = String(await socket.recv());
  await socket.end(`child ${process.pid} serves ${JSON.stringify(socket.remoteAddress())}: ${line.toUpperCase()}`);
  socket.close();
  process.disconnect();
}

async function parent(clients) {
  const listener = new Socket().bind({ address: '127.0.0.1', port: 0 }).listen();
  const { port } = listener.localAddress();
  console.log(`parent ${process.pid} listens on 127.0.0.1:${port}`);
  const serving = (async () => {
    for (let served = 0; clients === undefined || served < clients; served++) {
      const socket = await listener.accept();
      // A child for this connection; it tells nothing back but its exit.
      const { child: forked, channel } = forkWithChannel(__filename, ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      channel.sendSocket(socket).catch((error) => {
        console.error(`handover to ${forked.pid} failed: ${error.message}`);
        socket.close();
      }).finally(() => channel.close());
    }
    listener.close();
  })();
  if (clients === undefined) return serving;
  for (let i = 0; i < clients; i++) {
    const client = new Socket();
    await client.connect({ address: '127.0.0.1', port });
    await client.send(`hello from client ${i}`);
    let reply = '';
    for (let chunk = await client.recv(); chunk.length > 0; chunk = await client.recv()) reply += chunk;
    console.log(reply);
    client.close();
  }
  return serving;
}

if (process.argv.includes('--child')) {
  child();
} else {
  const at = process.argv.indexOf('--clients');
  parent(at < 0 ? undefined : Number(process.argv[at + 1])).catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
