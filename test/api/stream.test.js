'use strict';
// socket.stream(): a Duplex that pipeline() and Readable.toWeb() take, with
// backpressure both ways, end() as shutdown('send'), EOF as its end, errors
// destroying it, and destroy() closing the socket.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Readable } = require('node:stream');
const { pipeline } = require('node:stream/promises');
const { useSockets } = require('../support/sockets');

const MB20 = 20 * 1024 * 1024;

function sha256(data) {
  return crypto.createHash('sha256').update(data).digest('hex');
}

describe('socket.stream()', () => {
  const { pair, readToEnd } = useSockets();
  let folder;
  beforeEach(() => { folder = fs.mkdtempSync(path.join(os.tmpdir(), 'winsock-stream-')); });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('moves 20 MB from a file through pipeline() to the peer, then EOF', async function () {
    this.timeout(120000);
    const [client, server] = await pair();
    const file = path.join(folder, 'in');
    const data = crypto.randomBytes(MB20);
    fs.writeFileSync(file, data);
    const received = readToEnd(server).then((bytes) => {
      server.close();  // the duplex's readable side ends with the peer's EOF
      return bytes;
    });
    await pipeline(fs.createReadStream(file), client.stream());
    assert.equal(sha256(await received), sha256(data));
  });

  it('moves 20 MB from the peer through pipeline() into a file', async function () {
    this.timeout(120000);
    const [client, server] = await pair();
    const file = path.join(folder, 'out');
    const data = crypto.randomBytes(MB20);
    const sending = server.send(data).then(() => server.end());
    await pipeline(client.stream(), fs.createWriteStream(file));
    await sending;
    assert.equal(sha256(fs.readFileSync(file)), sha256(data));
  });

  it('reads through Readable.toWeb()', async () => {
    const [client, server] = await pair();
    const data = crypto.randomBytes(1024 * 1024);
    const sending = server.send(data).then(() => server.end());
    // toWeb() closes when the whole Duplex is done (Node's finished()):
    // this side has said all it had to say.
    const duplex = client.stream();
    duplex.end();
    const chunks = [];
    for await (const chunk of Readable.toWeb(duplex)) chunks.push(chunk);
    await sending;
    assert.equal(sha256(Buffer.concat(chunks)), sha256(data));
  });

  it('stops reading while nobody reads it, and loses nothing when reading resumes', async () => {
    const [client, server] = await pair();
    const duplex = client.stream();
    const data = crypto.randomBytes(8 * 1024 * 1024);
    const chunks = [];
    duplex.once('data', (chunk) => {
      chunks.push(chunk);
      duplex.pause();
    });
    const sending = server.send(data);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(client.reading, false, 'the socket kept reading into a paused stream');
    assert.ok(duplex.readableLength <= duplex.readableHighWaterMark + 64 * 1024, `${duplex.readableLength} bytes buffered`);
    duplex.on('data', (chunk) => chunks.push(chunk));
    duplex.resume();
    await sending;
    await server.end();
    await new Promise((resolve) => duplex.once('end', resolve));
    assert.equal(sha256(Buffer.concat(chunks)), sha256(data));
  });

  it('ends with shutdown(send): the peer reads EOF and can still answer', async () => {
    const [client, server] = await pair();
    const duplex = client.stream();
    duplex.end('last');
    assert.equal((await readToEnd(server)).toString(), 'last');
    await server.send('answer');
    const [chunk] = await new Promise((resolve) => duplex.once('data', (...args) => resolve(args)));
    assert.equal(chunk.toString(), 'answer');
  });

  it('is destroyed with the error of a reset, and destroying it closes the socket', async () => {
    const [client, server] = await pair();
    const duplex = client.stream();
    const failed = new Promise((resolve) => duplex.once('error', resolve));
    duplex.resume();
    // The read waits before the reset comes (a read made after a reset
    // gets EOF under Wine: see WINDOWS-ON-LINUX.md).
    while (!client.reading) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
    server.setOption('SO_LINGER', { enabled: true, seconds: 0 });
    server.close();
    assert.equal((await failed).code, 'ECONNRESET');
    assert.equal(duplex.destroyed, true);
    assert.equal(client.state, 'closed');
    const [other] = await pair();
    other.stream().destroy();
    assert.equal(other.state, 'closed');
  });
});
