'use strict';
// One HTTP/1.1 keep-alive server, forked by the http scenario so that its
// memory is its own: `node server.js winsock|node`. It listens on loopback,
// port 0, sends { port } to the parent, then { rss } whenever asked, and
// exits when the parent disconnects.
//   winsock: createServer, startReading() and write() per connection.
//   node:    net.createServer, 'data' and write().
const net = require('node:net');
const winsock = require('../..');
const { responder } = require('./responder');

const servers = {
  async winsock() {
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
      }, () => socket.close());
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

const impl = process.argv[2];
if (!(impl in servers)) throw new Error(`usage: server.js ${Object.keys(servers).join('|')}`);
servers[impl]().then((port) => process.send({ port }));
process.on('message', (message) => {
  if (message === 'rss') process.send({ rss: process.memoryUsage.rss() });
});
process.on('disconnect', () => process.exit(0));
