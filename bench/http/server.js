'use strict';
// One HTTP/1.1 keep-alive server, started by the http scenarios so that its
// memory is its own: `node server.js winsock|node [--control DIR]`. It
// listens on loopback, port 0. Forked, it sends { port } to the parent, then
// { rss } whenever asked, and exits when the parent disconnects. With
// --control DIR (node.exe under Wine, which has no IPC channel with a Linux
// parent) the same goes through files: DIR/port, DIR/rss once DIR/rss-request
// appears, and it exits once DIR/stop appears.
//   winsock: createServer, startReading() into one shared buffer and write()
//            per connection.
//   node:    net.createServer, 'data' and write().
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const winsock = require('../..');
const { responder } = require('./responder');

const servers = {
  async winsock() {
    // Every connection reads into this one buffer (startReading's { buffer }):
    // each read lands there just before its onData call, which consumes it,
    // so no read leaves memory for the collector. net's accepted sockets
    // have no such option (its onread is for sockets it connects).
    const buffer = Buffer.alloc(64 * 1024);
    const server = winsock.createServer({ address: '127.0.0.1', port: 0, backlog: 1024 }, (socket) => {
      socket.setOption('TCP_NODELAY', true);
      const respond = responder();
      socket.on('error', () => socket.close());
      socket.startReading((chunk) => {
        let response;
        try {
          response = respond(chunk);
        } catch {
          socket.close();
          return;
        }
        if (response !== null) socket.write(response);
      }, () => socket.close(), { buffer });
    });
    server.on('acceptError', () => {});
    const { port } = await server.listen();
    return port;
  },

  node() {
    const server = net.createServer({ noDelay: true }, (socket) => {
      const respond = responder();
      socket.on('data', (chunk) => {
        let response;
        try {
          response = respond(chunk);
        } catch {
          socket.destroy();
          return;
        }
        if (response !== null) socket.write(response);
      });
      socket.on('error', () => {});
      socket.on('end', () => socket.end());
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: 0, backlog: 1024 }, () => resolve(server.address().port));
    });
  },
};

function controlledByFiles(dir, port) {
  const file = (name) => path.join(dir, name);
  fs.writeFileSync(file('port.tmp'), String(port));
  fs.renameSync(file('port.tmp'), file('port'));
  setInterval(() => {
    if (fs.existsSync(file('stop'))) process.exit(0);
    if (fs.existsSync(file('rss-request')) && !fs.existsSync(file('rss'))) {
      fs.writeFileSync(file('rss.tmp'), String(process.memoryUsage.rss()));
      fs.renameSync(file('rss.tmp'), file('rss'));
    }
  }, 50);
}

const [impl, option, dir] = process.argv.slice(2);
if (!(impl in servers) || (option !== undefined && (option !== '--control' || dir === undefined))) {
  throw new Error(`usage: server.js ${Object.keys(servers).join('|')} [--control DIR]`);
}
servers[impl]().then((port) => {
  if (dir !== undefined) {
    controlledByFiles(dir, port);
    return;
  }
  process.send({ port });
  process.on('message', (message) => {
    if (message === 'rss') process.send({ rss: process.memoryUsage.rss() });
  });
  process.on('disconnect', () => process.exit(0));
});
