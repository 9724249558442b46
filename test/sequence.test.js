'use strict';
const assert = require('node:assert/strict');
const { Socket } = require('..');
const { useSockets } = require('./support/sockets');

describe('the classic socket sequence', () => {
  const { make, track } = useSockets();

  it('walks socket, bind, listen, connect, accept, send and recv both ways, shutdown and close', async () => {
    const server = make();
    const states = [];
    server.on('state', (next, previous) => states.push(`${previous}->${next}`));
    assert.equal(server.state, 'created');
    server.bind({ address: '127.0.0.1', port: 0 });
    assert.equal(server.state, 'bound');
    server.listen();
    assert.equal(server.state, 'listening');
    const { port } = server.localAddress();
    assert.ok(port > 0);

    const client = make();
    const [accepted] = await Promise.all([server.accept(), client.connect({ address: '127.0.0.1', port })]);
    track(accepted);
    assert.equal(client.state, 'connected');
    assert.equal(accepted.state, 'connected');
    assert.deepEqual(accepted.remoteAddress(), client.localAddress());
    assert.deepEqual(client.remoteAddress(), { family: 'inet', address: '127.0.0.1', port });

    assert.equal(await client.send('ping'), 4);
    assert.equal((await accepted.recv()).toString(), 'ping');
    assert.equal(await accepted.send(Buffer.from('pong')), 4);
    assert.equal((await client.recv()).toString(), 'pong');

    client.shutdown('send');
    assert.equal(client.writable, false);
    const end = await accepted.recv();
    assert.equal(end.length, 0);
    assert.equal(accepted.readable, false);

    client.close();
    accepted.close();
    server.close();
    assert.equal(client.state, 'closed');
    assert.equal(client.fd, -1);
    assert.deepEqual(states, ['created->bound', 'bound->listening', 'listening->closed']);
  });

  it('serves several clients at once from one listener', async () => {
    const server = make().bind({ address: '127.0.0.1', port: 0 }).listen();
    const address = server.localAddress();
    const count = 8;
    const clients = Array.from({ length: count }, () => make());
    const serving = (async () => {
      for (let i = 0; i < count; i++) {
        const connection = track(await server.accept());
        connection.recv().then((data) => connection.send(Buffer.concat([Buffer.from('echo:'), data])));
      }
    })();
    const replies = await Promise.all(clients.map(async (client, i) => {
      await client.connect(address);
      await client.send(`client ${i}`);
      return (await client.recv()).toString();
    }));
    await serving;
    assert.deepEqual(replies, clients.map((_, i) => `echo:client ${i}`));
  });

  it('reports the accepted socket as connected with the peer address', async () => {
    const server = make().bind({ address: '127.0.0.1', port: 0 }).listen();
    const client = make();
    const [accepted] = await Promise.all([server.accept(), client.connect(server.localAddress())]);
    track(accepted);
    assert.ok(accepted instanceof Socket);
    assert.equal(accepted.family, 'inet');
    assert.equal(accepted.type, 'stream');
    assert.ok(accepted.fd >= 0);
    assert.equal(accepted.remoteAddress().port, client.localAddress().port);
  });
});
