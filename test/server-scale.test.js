'use strict';
const assert = require('node:assert/strict');
const { createServer } = require('..');
const { useSockets } = require('./support/sockets');
const { underWine } = require('./support/wine');
const { sleep, echo } = require('./support/servers');

// Wine's Winsock is far slower with thousands of sockets: a tenth there.
const CONNECTIONS = underWine ? 200 : 2000;
const IDLE_TIMEOUT = 1000;
const TRADE_EVERY = 100;


describe('a server at scale', () => {
  const { make } = useSockets();
  let server;
  afterEach(() => server?.close());

  const title = `reaps exactly the ${CONNECTIONS / 2} idle connections of ${CONNECTIONS}, ` +
    `while the other ${CONNECTIONS / 2} keep trading${underWine ? ' (fewer connections under Wine)' : ''}`;
  it(title, async function () {
    this.timeout(120000);
    server = createServer({ address: '127.0.0.1', port: 0, idleTimeout: IDLE_TIMEOUT, backlog: 4096 }, echo);
    // The server side's peer port names the client it serves.
    const reapedPorts = new Set();
    server.on('reap', (socket) => reapedPorts.add(socket.remoteAddress().port));
    server.on('connectionError', (error) => {
      if (error.code !== 'ERR_SOCKET_IDLE_TIMEOUT' && error.code !== 'ERR_SOCKET_CLOSED') throw error;
    });
    const address = await server.listen();

    const clients = [];
    for (let batch = 0; batch < CONNECTIONS; batch += 200) {
      await Promise.all(Array.from({ length: Math.min(200, CONNECTIONS - batch) }, async () => {
        const client = make();
        await client.connect(address);
        clients.push(client);
      }));
    }
    while (server.connections < CONNECTIONS) await sleep(10);
    const trading = clients.slice(0, CONNECTIONS / 2);
    const idle = clients.slice(CONNECTIONS / 2);
    const idlePorts = new Set(idle.map((client) => client.localAddress().port));

    // Each trading client does a round trip every TRADE_EVERY ms, a tenth of
    // the timeout, until the idle half was reaped and a full timeout more.
    let stop = false;
    let tradingEofs = 0;
    const trades = trading.map(async (client) => {
      await sleep(Math.random() * TRADE_EVERY);
      while (!stop) {
        await client.send('x');
        const reply = await client.recv(1);
        if (reply.length === 0) {
          tradingEofs++;
          return;
        }
        await sleep(TRADE_EVERY);
      }
    });
    const idleEofs = idle.map((client) => client.recv().then((data) => data.length));

    assert.deepEqual(new Set(await Promise.all(idleEofs)), new Set([0]), 'an idle client got data instead of EOF');
    await sleep(IDLE_TIMEOUT + server.reaper.interval);
    stop = true;
    await Promise.all(trades);

    assert.equal(tradingEofs, 0, 'a trading connection was reaped');
    assert.equal(reapedPorts.size, idle.length);
    assert.deepEqual(reapedPorts, idlePorts);
    assert.equal(server.connections, trading.length);
    assert.equal(server.reaper.size, trading.length);
  });
});
