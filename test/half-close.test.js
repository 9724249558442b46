'use strict';
const assert = require('node:assert/strict');
const { backend, constants } = require('..');
const { useSockets, LOOPBACK } = require('./support/sockets');

describe('flags, half-close and reset', () => {
  const { make, pair, track, listener, readToEnd, readExactly } = useSockets();

  it('lets the peer read everything then EOF after shutdown(send), while it can still answer', async () => {
    const [client, server] = await pair();
    await client.send('the whole request');
    client.shutdown('send');
    const request = await readToEnd(server);
    assert.equal(request.toString(), 'the whole request');
    await server.send(`answer to ${request.length} bytes`);
    server.shutdown('send');
    assert.equal((await readToEnd(client)).toString(), 'answer to 17 bytes');
  });

  it('fails a send after shutdown(send) with the stack\'s EPIPE or ESHUTDOWN, without SIGPIPE', async () => {
    const [client] = await pair();
    client.shutdown('send');
    await assert.rejects(client.send('too late'), (error) => ['EPIPE', 'ESHUTDOWN'].includes(error.code));
    // Still alive: a process killed by SIGPIPE would not get here.
    assert.equal(client.state, 'connected');
  });

  it('rejects the peer\'s pending recv with ECONNRESET after a linger-zero close', async () => {
    const [client, server] = await pair();
    const pending = server.recv();
    client.setOption('SO_LINGER', { enabled: true, seconds: 0 });
    client.close();
    await assert.rejects(pending, { code: 'ECONNRESET' });
  });

  it('leaves peeked data queued', async () => {
    const [client, server] = await pair();
    await client.send('peekaboo');
    const peeked = await server.recv(4, { peek: true });
    assert.equal(peeked.toString(), 'peek');
    assert.equal((await readExactly(server, 8)).toString(), 'peekaboo');
  });

  it('waits for the full size with waitAll', async () => {
    const [client, server] = await pair();
    const whole = server.recv(10, { waitAll: true });
    await client.send('12345');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await client.send('67890');
    assert.equal((await whole).toString(), '1234567890');
  });

  it('counts the bytes ready to read with bytesAvailable()', async () => {
    const [client, server] = await pair();
    assert.equal(server.bytesAvailable(), 0);
    await client.send('twelve bytes');
    const deadline = Date.now() + 5000;
    while (server.bytesAvailable() < 12 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.equal(server.bytesAvailable(), 12);
    await server.recv(5);
    assert.equal(server.bytesAvailable(), 7);
  });

  it('accepts an IPv4 client on a dual-stack IPv6 listener, seen as ::ffff:127.0.0.1', async () => {
    const server = make({ family: 'inet6' });
    server.setOption('IPV6_V6ONLY', false);
    server.bind({ address: '::', port: 0 }).listen();
    const { port } = server.localAddress();
    const client = make({ family: 'inet' });
    const [accepted] = await Promise.all([server.accept(), client.connect({ address: LOOPBACK.inet, port })]);
    track(accepted);
    assert.equal(accepted.remoteAddress().address, '::ffff:127.0.0.1');
    await client.send('v4 over v6');
    assert.equal((await accepted.recv()).toString(), 'v4 over v6');
  });

  if (constants.SO_REUSEPORT !== undefined && backend === 'posix') {
    it('shares a port between sockets that both set SO_REUSEPORT, and not otherwise', () => {
      const first = make().setOption('SO_REUSEPORT', true).bind({ address: LOOPBACK.inet, port: 0 });
      const { port } = first.localAddress();
      const second = make().setOption('SO_REUSEPORT', true).bind({ address: LOOPBACK.inet, port });
      assert.equal(second.localAddress().port, port);
      first.listen();
      second.listen();
      const third = make();
      assert.throws(() => third.bind({ address: LOOPBACK.inet, port }), { code: 'EADDRINUSE' });
    });
  }

  it('keeps a listener that serves through many connections', async () => {
    const server = listener();
    for (let i = 0; i < 5; i++) {
      const client = make();
      const [accepted] = await Promise.all([server.accept(), client.connect(server.localAddress())]);
      track(accepted);
      await client.send(`#${i}`);
      assert.equal((await accepted.recv()).toString(), `#${i}`);
    }
  });
});
