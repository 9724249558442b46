'use strict';
// Tracing: every Berkeley call on 'winsock:call', every state change on
// 'winsock:state' (node:diagnostics_channel), and NODE_DEBUG=winsock
// printing both through util.debuglog.
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const diagnosticsChannel = require('node:diagnostics_channel');
const path = require('node:path');
const { backend, formatCall } = require('..');
const { useSockets } = require('./support/sockets');

// shutdown's `how` as the platform's headers name it.
const SEND_HOW = backend === 'winsock' ? 'SD_SEND' : 'SHUT_WR';

/** Collects what both channels publish while `body` runs. */
async function recording(body) {
  const messages = [];
  const onCall = (message) => messages.push({ channel: 'call', ...message });
  const onState = (message) => messages.push({ channel: 'state', ...message });
  diagnosticsChannel.subscribe('winsock:call', onCall);
  diagnosticsChannel.subscribe('winsock:state', onState);
  try {
    await body();
  } finally {
    diagnosticsChannel.unsubscribe('winsock:call', onCall);
    diagnosticsChannel.unsubscribe('winsock:state', onState);
  }
  return messages;
}

const line = (m) => (m.channel === 'state'
  ? `#${m.id} state ${m.previous} => ${m.state}`
  : `#${m.id} ${m.call}(${m.args.join(', ')}) ${m.error ? `!! ${m.error.code}` : `-> ${m.result}`}`);

describe('tracing', () => {
  const { make, track } = useSockets();

  it("publishes the seed's sequence, each call with its socket, arguments and result, and each state change", async () => {
    const messages = await recording(async () => {
      const server = make().bind({ address: '127.0.0.1', port: 0 }).listen(4);
      const client = make();
      const [accepted] = await Promise.all([server.accept(), client.connect(server.localAddress())]);
      track(accepted);
      await client.send('abc');
      assert.equal((await accepted.recv(10)).toString(), 'abc');
      client.shutdown('send');
      assert.equal((await accepted.recv(10)).length, 0);
      accepted.close();
      client.close();
      server.close();
    });
    const lines = messages.map(line);
    const port = messages.find((m) => m.call === 'getsockname').result.split(':')[1];
    // The accepted socket gets the id after the two the test made.
    for (const expected of [
      '#1 socket(AF_INET, SOCK_STREAM, 0) -> fd',
      '#1 bind(127.0.0.1:0) -> ok',
      '#1 state created => bound',
      '#1 listen(4) -> ok',
      '#1 state bound => listening',
      '#2 socket(AF_INET, SOCK_STREAM, 0) -> fd',
      '#2 state created => connecting',
      `#2 connect(127.0.0.1:${port}) -> ok`,
      '#2 state connecting => connected',
      '#1 accept() -> #3 fd',
      '#2 send("abc", 0) -> 3',
      '#3 recv(10, 0) -> 3 "abc"',
      `#2 shutdown(${SEND_HOW}) -> ok`,
      '#3 recv(10, 0) -> EOF',
      '#3 close() -> ok',
      '#3 state connected => closed',
      '#2 close() -> ok',
      '#2 state connected => closed',
      '#1 close() -> ok',
      '#1 state listening => closed',
    ]) {
      // Ids count per thread, from wherever earlier tests left them: compare relative ones.
      assert.ok(lines.some((l) => l.replace(/#(\d+)/g, (_, n) => `#${n - messages[0].id + 1}`).startsWith(expected)),
        `no message like ${expected} in\n${lines.join('\n')}`);
    }
    for (const message of messages) {
      assert.equal(typeof message.id, 'number');
      assert.equal(typeof message.fd, 'number');
      if (message.channel === 'call') assert.ok(message.start <= message.end);
    }
  });

  it('publishes a failed call with its error: code, errno, syscall', async () => {
    const probe = make().bind({ address: '127.0.0.1', port: 0 });
    const { port } = probe.localAddress();
    probe.close();  // nothing listens on that port now
    const messages = await recording(async () => {
      await assert.rejects(make().connect({ address: '127.0.0.1', port }), { code: 'ECONNREFUSED' });
    });
    const connect = messages.find((m) => m.call === 'connect');
    assert.equal(connect.error.code, 'ECONNREFUSED');
    assert.equal(typeof connect.error.errno, 'number');
    assert.equal(connect.result, undefined);
    assert.match(formatCall(connect), /connect\(127\.0\.0\.1:\d+\) !! ECONNREFUSED errno \d+/);
    // The failed connect closes the socket: its last state change says so, with its id.
    const closed = messages.filter((m) => m.channel === 'state').pop();
    assert.deepEqual([closed.state, closed.id], ['closed', connect.id]);
  });

  it('shows options, ioctls, datagrams and urgent data by name', async () => {
    const messages = await recording(async () => {
      const receiver = make({ type: 'dgram' }).bind({ address: '127.0.0.1', port: 0 });
      const sender = make({ type: 'dgram' });
      await sender.sendTo('hi', receiver.localAddress());
      const { data } = await receiver.recvFrom(10);
      assert.equal(data.toString(), 'hi');
      receiver.setOption('SO_RCVBUF', 65536);
      receiver.getOption('SO_TYPE');
      receiver.bytesAvailable();
    });
    const lines = messages.map(line).join('\n');
    assert.match(lines, /sendTo\("hi", 127\.0\.0\.1:\d+, 0\) -> 2/);
    assert.match(lines, /recvFrom\(10, 0\) -> 2 "hi" from 127\.0\.0\.1:\d+/);
    assert.match(lines, /setsockopt\(SOL_SOCKET, SO_RCVBUF, 65536\) -> ok/);
    assert.match(lines, /getsockopt\(SOL_SOCKET, SO_TYPE, 4\) -> </);
    assert.match(lines, /ioctl\(FIONREAD\) -> 0/);
  });

  it('shows each chunk of continuous reading, and the urgent byte the watch took, as recv', async () => {
    const server = make().bind({ address: '127.0.0.1', port: 0 }).listen();
    const client = make();
    const [accepted] = await Promise.all([server.accept(), client.connect(server.localAddress())]);
    track(accepted);
    const messages = await recording(async () => {
      const urgent = new Promise((resolve) => accepted.on('urgent', resolve));
      const ended = new Promise((resolve) => accepted.startReading(() => {}, resolve));
      await client.send('head');
      await client.send('!', { oob: true });
      assert.equal((await urgent).toString(), '!');
      await client.send('tail');
      client.shutdown('send');
      await ended;
    });
    const lines = messages.map(line).join('\n');
    assert.match(lines, /send\("!", MSG_OOB\) -> 1/);
    assert.match(lines, /recv\(1, MSG_OOB, urgent watch\) -> 1 "!"/);
    assert.match(lines, /recv\(65536, continuous\) -> 4 "head"/);
    assert.match(lines, /recv\(65536, continuous\) -> EOF/);
  });

  it('shows sendmsg, recvmsg with the kinds of control data, socketpair, and a socket passed with SCM_RIGHTS', async () => {
    const { Socket } = require('..');
    const messages = await recording(async () => {
      const receiver = make({ type: 'dgram' }).bind({ address: '127.0.0.1', port: 0 });
      receiver.setOption('IP_PKTINFO', true);
      const sender = make({ type: 'dgram' });
      await sender.sendMsg('hi', { address: receiver.localAddress() });
      await receiver.recvMsg(10);
      const [left, right] = Socket.pair().map(track);
      if (backend === 'posix') {
        await left.sendMsg('x', { control: [{ rights: [sender] }] });
        const { control } = await right.recvMsg(10);
        Socket.adopt({ transfer: control[0].handles[0], family: 'inet', type: 'dgram', state: 'bound' }).close();
      }
    });
    const lines = messages.map(line).join('\n');
    assert.match(lines, /sendmsg\("hi", 127\.0\.0\.1:\d+, 0\) -> 2/);
    assert.match(lines, /recvmsg\(10, control 1024, 0\) -> 2 "hi" from 127\.0\.0\.1:\d+ \[packetInfo\]/);
    assert.match(lines, /socketpair\(AF_(UNIX|INET), SOCK_STREAM, 0\) -> #\d+ fd \d+, #\d+ fd \d+/);
    if (backend === 'posix') {
      assert.match(lines, /sendmsg\("x", -, 0, SCM_RIGHTS\(fd \d+\)\) -> 1/);
      assert.match(lines, /recvmsg\(10, control 1024, 0\) -> 1 "x" \[rights\]/);
    }
  });

  it('publishes nothing once the subscriber left, and the calls still work', async () => {
    let count = 0;
    const onCall = () => { count++; };
    diagnosticsChannel.subscribe('winsock:call', onCall);
    make().bind({ address: '127.0.0.1', port: 0 });
    diagnosticsChannel.unsubscribe('winsock:call', onCall);
    const seen = count;
    const socket = make().bind({ address: '127.0.0.1', port: 0 }).listen();
    assert.equal(socket.state, 'listening');
    assert.equal(count, seen);
    assert.ok(seen >= 2);
  });

  it('prints the same lines with NODE_DEBUG=winsock, through util.debuglog', async function () {
    this.timeout(60000);
    const stderr = await new Promise((resolve, reject) => {
      execFile(process.execPath, [path.join(__dirname, '..', 'examples', 'demo.js')], {
        env: { ...process.env, NODE_DEBUG: 'winsock' }, timeout: 30000,
      }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(err)));
    });
    assert.match(stderr, /^WINSOCK \d+: #1 fd \d+ {2}socket\(AF_INET, SOCK_STREAM, 0\) -> fd \d+/m);
    assert.match(stderr, /^WINSOCK \d+: #1 fd \d+ {2}state: created => bound$/m);
    assert.match(stderr, /^WINSOCK \d+: #\d+ fd \d+ {2}accept\(\) -> #\d+ fd \d+ from 127\.0\.0\.1:\d+/m);
    assert.match(stderr, /^WINSOCK \d+: #\d+ fd \d+ {2}shutdown\((SHUT_WR|SD_SEND)\) -> ok/m);
  });
});
