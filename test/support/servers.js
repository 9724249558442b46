'use strict';
// Helpers for server tests: every server a test makes is closed after it.
const { createServer } = require('../..');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 5 ms until it holds (the test's own timeout bounds the wait). */
async function until(condition) {
  while (!condition()) await sleep(5);
}

/** Echoes until EOF, then closes. */
async function echo(socket) {
  for (;;) {
    const chunk = await socket.recv();
    if (chunk.length === 0) break;
    await socket.send(chunk);
  }
  socket.close();
}

/**
 * `server(options, onConnection)`: createServer on loopback port 0, closed
 * after the test; `connect(address)`: a client made with `make` (useSockets).
 */
function useServers(make) {
  const servers = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  function server(options, onConnection) {
    const made = createServer({ address: '127.0.0.1', port: 0, ...options }, onConnection);
    servers.push(made);
    return made;
  }

  async function connect(address) {
    const client = make();
    await client.connect(address);
    return client;
  }

  return { server, connect };
}

module.exports = { sleep, until, echo, useServers };
