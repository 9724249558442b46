'use strict';
// Results at the edges: never a fake EOF, never an empty datagram taken for
// the end of a stream, never a name for an errno other than Node's own.
const assert = require('node:assert/strict');
const util = require('node:util');
const { backend } = require('../..');
const { binding } = require('../../dist/native');
const { useSockets } = require('../support/sockets');

describe('results at the edges', () => {
  const { make, track, pair, datagram } = useSockets();

  it('fails recv({ oob, waitAll }) that meets EAGAIN, and fakes no EOF', async function () {
    this.timeout(20000);
    // The peer's window is closed and an urgent byte waits behind it: the
    // urgent pointer arrives in the sender's window probes, its byte does
    // not, so recv(MSG_OOB) answers EAGAIN (tcp_recv_urg).
    const server = make();
    server.setOption('SO_RCVBUF', 4096);
    server.bind({ address: '127.0.0.1', port: 0 }).listen();
    const sender = make();
    sender.setOption('SO_SNDBUF', 1 << 20);
    const [receiver] = await Promise.all([server.accept(), sender.connect(server.localAddress())]);
    track(receiver);
    await sender.send(Buffer.alloc(32 * 1024));
    await sender.send('!', { oob: true });
    for (let tries = 0; tries < 200; tries++) {
      const probe = await receiver.recv(1, { oob: true }).then(() => 'urgent', (error) => error.code);
      if (probe === 'EAGAIN' || probe === 'urgent') break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const outcome = await receiver.recv(1, { oob: true, waitAll: true }).then((data) => data.toString(), (error) => error.code);
    assert.notEqual(outcome, '', 'an urgent read that found nothing resolved as EOF');
    assert.equal(receiver.readable, true);
  });

  it('delivers an empty datagram to startReading as a datagram, and goes on reading', async () => {
    const receiver = datagram();
    const sender = datagram();
    const seen = [];
    const two = new Promise((resolve) => receiver.startReading((chunk) => {
      seen.push(chunk.toString());
      if (seen.length === 2) resolve();
    }, (error) => seen.push(`ended ${error?.code}`)));
    await sender.sendTo(Buffer.alloc(0), receiver.localAddress());
    await sender.sendTo('x', receiver.localAddress());
    await two;
    assert.deepEqual(seen, ['', 'x']);
    assert.equal(receiver.reading, true);
    assert.equal(receiver.readable, true);
  });

  it('keeps a datagram socket readable after recv() of an empty datagram', async () => {
    const receiver = datagram();
    const sender = datagram();
    await receiver.connect(sender.localAddress());
    await sender.sendTo(Buffer.alloc(0), receiver.localAddress());
    assert.equal((await receiver.recv()).length, 0);
    assert.equal(receiver.readable, true);
  });

  const namesTitle = 'names every errno as Node itself does (util.getSystemErrorName)';
  if (backend !== 'posix') {
    it(`${namesTitle} (skipped: errno numbers are the POSIX backend's; the Winsock names are walked in test/win32/errors.test.js)`);
  } else {
    it(namesTitle, () => {
      let checked = 0;
      for (let code = 1; code < 512; code++) {
        const node = util.getSystemErrorName(-code);
        if (node.startsWith('Unknown system error')) continue;
        assert.equal(binding.errname(code), node, `errno ${code}`);
        checked++;
      }
      assert.ok(checked > 50, `only ${checked} errno values have a name`);
    });
  }
});
