'use strict';
// end(): what write() queued, then the FIN, resolved once the stack has it
// all; close(): at once, and what it dropped from write() is counted.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { backend } = require('../..');
const { useSockets } = require('../support/sockets');

describe('a graceful end', () => {
  const { pair, readToEnd } = useSockets();

  it('sends all 8 MiB given to write() and then EOF, and resolves once the stack has it', async () => {
    const [client, server] = await pair();
    const data = crypto.randomBytes(8 * 1024 * 1024);
    for (let at = 0; at < data.length; at += 65536) client.write(data.subarray(at, at + 65536));
    const received = readToEnd(server);
    await client.end('and the last words');
    assert.equal(client.writableLength, 0);
    assert.equal(client.writable, false);
    assert.ok((await received).equals(Buffer.concat([data, Buffer.from('and the last words')])));
    assert.equal(client.discardedBytes, 0);
    // Half-closed: it can still read the peer's answer.
    await server.send('answer');
    assert.equal((await client.recv()).toString(), 'answer');
  });

  it('rejects end() with the failure of a write before it', async () => {
    const [client, server] = await pair();
    server.setOption('SO_LINGER', { enabled: true, seconds: 0 });
    server.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (let i = 0; i < 64; i++) client.write(Buffer.alloc(65536));
    await assert.rejects(client.end(), (error) => ['ECONNRESET', 'EPIPE', 'ECONNABORTED'].includes(error.code));
  });

  it('counts what close() dropped from write(), and the peer got no more than the rest', async () => {
    const [client, server] = await pair();
    client.setOption('SO_SNDBUF', 65536);
    const total = 8 * 1024 * 1024;
    for (let at = 0; at < total; at += 65536) client.write(Buffer.alloc(65536, 1));
    assert.ok(client.writableLength > 0, 'nothing was left waiting: this test would prove nothing');
    client.close();
    assert.ok(client.discardedBytes > 0, 'close() dropped bytes without a trace');
    const received = await readToEnd(server).catch(() => Buffer.alloc(0));
    // Exact on POSIX; on Windows an upper bound (see discardedBytes).
    if (backend === 'posix') assert.equal(received.length, total - client.discardedBytes);
    else assert.ok(received.length <= total && client.discardedBytes <= total);
  });
});
