'use strict';
// Handing a socket to a child process: forkWithChannel() and
// channel.sendSocket() in the parent, SocketChannel.fromParent() and
// receiveSocket() in the child (SCM_RIGHTS on POSIX, WSADuplicateSocketW
// on Windows).
const assert = require('node:assert/strict');
const { once } = require('node:events');
const path = require('node:path');
const { Socket, backend, forkWithChannel } = require('..');
const { useSockets } = require('./support/sockets');

const SERVE = path.join(__dirname, 'fixtures', 'serve-handed-socket.js');
const STDIO = ['ignore', 'ignore', 'inherit', 'ipc'];

describe('handing a socket to a child process', () => {
  const { pair, readToEnd, track } = useSockets();
  const children = new Set();
  afterEach(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    }
    children.clear();
  });

  function start() {
    const started = forkWithChannel(SERVE, [], { stdio: STDIO });
    children.add(started.child);
    return started;
  }

  it('passes a connected socket to a child process that then serves it, with its peer and state kept', async () => {
    const [client, accepted] = await pair();
    const { child, channel } = start();
    const exited = once(child, 'exit');
    await channel.sendSocket(accepted, { note: 'from the parent' });
    assert.equal(accepted.state, 'closed', "the parent's copy is closed once the child has it");
    await client.send('hello, child');
    const reply = JSON.parse(String(await readToEnd(client)));
    assert.equal(reply.pid, child.pid);
    assert.notEqual(reply.pid, process.pid);
    assert.equal(reply.state, 'connected');
    assert.deepEqual(reply.peer, client.localAddress());
    assert.equal(reply.request, 'hello, child');
    assert.deepEqual(reply.extra, { note: 'from the parent' });
    const [code] = await exited;
    assert.equal(code, 0);
    channel.close();
  });

  it('rejects with ERR_CHILD_EXITED when the child is gone, leaving the socket open here', async () => {
    const [, accepted] = await pair();
    const { child, channel } = start();
    child.kill('SIGKILL');
    await once(child, 'exit');
    await assert.rejects(channel.sendSocket(accepted), { code: 'ERR_CHILD_EXITED' });
    assert.equal(accepted.state, 'connected');
  });

  it('refuses what is not an open Socket with a coded error', async () => {
    const { child, channel } = start();
    await assert.rejects(channel.sendSocket({ fd: 3 }), { code: 'ERR_INVALID_ARG_TYPE' });
    const closed = track(new Socket());
    closed.close();
    await assert.rejects(channel.sendSocket(closed), { code: 'ERR_INVALID_ARG_VALUE' });
    channel.close();
    child.kill('SIGKILL');
  });

  it(`shares the socket for another process id as Python's socket.share does${backend === 'winsock' ? '' : ' (skipped on POSIX: share() is Winsock; descriptors go with SCM_RIGHTS)'}`, async function () {
    const [client, accepted] = await pair();
    if (backend !== 'winsock') {
      assert.throws(() => accepted.share(process.pid), { code: 'ENOTSUP' });
      this.skip();
    }
    const copy = track(Socket.fromShare(accepted.share(process.pid)));
    assert.equal(copy.state, 'connected');
    assert.deepEqual(copy.remoteAddress(), client.localAddress());
    accepted.close();
    await copy.send('still here');
    assert.equal(String(await client.recv()), 'still here');
  });
});
