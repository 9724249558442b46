'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { constants } = require('..');
const { underWine } = require('./support/wine');
const { useSockets } = require('./support/sockets');

// Wine's socket() refuses AF_UNIX (10047) though Windows 10 has it.
const describeUnix = underWine || constants.AF_UNIX === undefined ? describe.skip : describe;
const reason = underWine ? ' (skipped under Wine: AF_UNIX socket() fails with 10047 there)' : '';

describeUnix(`unix domain sockets${reason}`, () => {
  const { make, track, readExactly } = useSockets();
  let directory;
  beforeEach(() => { directory = fs.mkdtempSync(path.join(os.tmpdir(), 'winsock-')); });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('binds to a path, accepts, and trades bytes both ways', async () => {
    const where = path.join(directory, 'echo.sock');
    const server = make({ family: 'unix' }).bind(where).listen();
    assert.deepEqual(server.localAddress(), { family: 'unix', path: where });
    const client = make({ family: 'unix' });
    const [accepted] = await Promise.all([server.accept(), client.connect(where)]);
    track(accepted);
    await client.send('over a path');
    assert.equal((await readExactly(accepted, 11)).toString(), 'over a path');
    await accepted.send('back');
    assert.equal((await readExactly(client, 4)).toString(), 'back');
  });

  it("gives the peer's EOF after a half-close, and the answer still comes back", async () => {
    const where = path.join(directory, 'half.sock');
    const server = make({ family: 'unix' }).bind(where).listen();
    const client = make({ family: 'unix' });
    const [accepted] = await Promise.all([server.accept(), client.connect(where)]);
    track(accepted);
    await client.end('question');
    assert.equal((await readExactly(accepted, 8)).toString(), 'question');
    assert.equal((await accepted.recv()).length, 0);
    await accepted.send('answer');
    assert.equal((await readExactly(client, 6)).toString(), 'answer');
  });

  it('names the listening path as the peer of a connected client', async () => {
    const where = path.join(directory, 'peer.sock');
    const server = make({ family: 'unix' }).bind(where).listen();
    const client = make({ family: 'unix' });
    const [accepted] = await Promise.all([server.accept(), client.connect(where)]);
    track(accepted);
    assert.deepEqual(client.remoteAddress(), { family: 'unix', path: where });
    assert.equal(accepted.state, 'connected');
  });

  it('serves several clients one after another on one listening path', async () => {
    const where = path.join(directory, 'many.sock');
    const server = make({ family: 'unix' }).bind(where).listen();
    for (let i = 0; i < 5; i++) {
      const client = make({ family: 'unix' });
      const [accepted] = await Promise.all([server.accept(), client.connect(where)]);
      track(accepted);
      await client.send(`client ${i}`);
      assert.equal((await readExactly(accepted, 8)).toString(), `client ${i}`);
    }
  });

  it('refuses a path longer than sockaddr_un holds with ENAMETOOLONG', () => {
    const socket = make({ family: 'unix' });
    assert.throws(() => socket.bind(path.join(directory, 'x'.repeat(200))), { code: 'ENAMETOOLONG' });
  });
});
