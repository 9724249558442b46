'use strict';
// `winsock listen` and `winsock connect`, as processes with pipes: 1 MiB
// each way between two of them with a half-close at each end, urgent data
// both ways, a reset, datagrams, --keep, and how they fail. Run by both
// suites (the Wine one starts the Windows node.exe). The Python peer is in
// python-peer.test.js, driven from the Linux side.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { useSockets } = require('../support/sockets');
const { listening, run, sha256, useCommands } = require('./support');

const MiB = 1024 * 1024;

describe('winsock listen and connect', function () {
  this.timeout(120000);
  const { start } = useCommands();
  const { make, track, readToEnd } = useSockets();

  it('move 1 MiB each way between two winsock processes, each half-closing at the end of its input', async () => {
    const toListener = crypto.randomBytes(MiB);
    const toConnector = crypto.randomBytes(MiB);
    const listener = start(['listen', '127.0.0.1:0']);
    const { port } = await listening(listener);
    const connector = start(['connect', '--trace', `127.0.0.1:${port}`]);
    connector.stdin.end(toListener);   // EOF at once: the connector half-closes...
    // ...and the listener answers only once all of it arrived: the connector
    // reads its 1 MiB with its sending side already shut.
    await listener.stdoutLength(MiB);
    listener.stdin.end(toConnector);
    const [listened, connected] = await Promise.all([listener.exited, connector.exited]);
    assert.equal(listened.code, 0, listened.stderr);
    assert.equal(connected.code, 0, connected.stderr);
    assert.equal(sha256(listened.stdout), sha256(toListener));
    assert.equal(sha256(connected.stdout), sha256(toConnector));
    assert.match(connected.stderr, /shutdown\((SHUT_WR|SD_SEND)\) -> ok/);
    assert.match(listened.stderr, /^listening on 127\.0\.0\.1:\d+\nconnection from 127\.0\.0\.1:\d+\n$/);
  });

  it('send the --oob-byte as urgent data, and show urgent data received on standard error only', async () => {
    const server = make().bind({ address: '127.0.0.1', port: 0 }).listen();
    const connector = start(['connect', '--oob-byte', '!', `127.0.0.1:${server.localAddress().port}`]);
    const peer = track(await server.accept());
    const urgent = new Promise((resolve) => peer.on('urgent', resolve));
    connector.stdin.write('abc!def');
    assert.equal((await urgent).toString(), '!');
    // The other way: the peer's urgent byte goes to the command's standard error.
    await peer.send('xyz');
    await peer.send('?', { oob: true });
    await connector.stderrLine(/winsock: urgent byte "\?"/);
    peer.shutdown('send');
    connector.stdin.end();
    assert.equal((await readToEnd(peer)).toString(), 'abcdef');
    const { code, stdout } = await connector.exited;
    assert.equal(code, 0);
    assert.equal(stdout.toString(), 'xyz');
  });

  it('close with a reset at the end of input with --linger0', async () => {
    const server = make().bind({ address: '127.0.0.1', port: 0 }).listen();
    const connector = start(['connect', '--linger0', `127.0.0.1:${server.localAddress().port}`]);
    const peer = track(await server.accept());
    const reading = peer.recv(10);
    connector.stdin.end('x');
    assert.equal((await reading).toString(), 'x');
    await assert.rejects(peer.recv(10), { code: 'ECONNRESET' });
    assert.equal((await connector.exited).code, 0);
  });

  it('serve one connection after another with --keep, standard input going to the first', async () => {
    const listener = start(['listen', '--keep', '127.0.0.1:0']);
    const address = await listening(listener);
    listener.stdin.end('to the first');
    for (const word of ['one', 'two']) {
      const client = make();
      await client.connect(address);
      await client.send(word);
      client.shutdown('send');
      assert.equal((await readToEnd(client)).toString(), word === 'one' ? 'to the first' : '');
    }
    await listener.stdoutLength('onetwo'.length);
    listener.kill();
    const { stdout, stderr } = await listener.exited;
    assert.equal(stdout.toString(), 'onetwo');
    assert.equal(stderr.match(/connection from/g).length, 2);
  });

  it('exchange datagrams with --udp, the first sender becoming the peer, until idle for --timeout', async () => {
    const listener = start(['listen', '--udp', '--timeout', '1000', '127.0.0.1:0']);
    const { port } = await listening(listener);
    const connector = start(['connect', '--udp', '--timeout', '1000', `127.0.0.1:${port}`]);
    connector.stdin.end('ping');
    await listener.stdoutLength(4);
    listener.stdin.end('pong');
    const [listened, connected] = await Promise.all([listener.exited, connector.exited]);
    assert.equal(listened.stdout.toString(), 'ping');
    assert.equal(connected.stdout.toString(), 'pong');
    assert.match(listened.stderr, /datagrams from 127\.0\.0\.1:\d+/);
    assert.match(connected.stderr, /no data either way for \d+ ms: closed/);
    assert.deepEqual([listened.code, connected.code], [0, 0]);
  });

  it('exit 1 with the error when the connect fails, 2 with the usage on a bad command line', async () => {
    const probe = make().bind({ address: '127.0.0.1', port: 0 });  // bound, not listening: refused
    const refused = await run(['connect', `127.0.0.1:${probe.localAddress().port}`]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^winsock: ECONNREFUSED errno (111|10061)( WSAECONNREFUSED)? \((connect|ConnectEx) ECONNREFUSED/);
    for (const args of [['connect'], ['connect', 'nowhere'], ['listen', '--keep', '--udp', '0'], ['connect', '--nonsense', '1.2.3.4:5'],
      ['connect', '--oob-byte', 'xy', '127.0.0.1:1']]) {
      const { code, stderr } = await run(args);
      assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
      assert.match(stderr, /usage: winsock (connect|listen)/);
    }
  });
});
