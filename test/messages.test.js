'use strict';
// sendMsg / recvMsg: sendmsg(2)/recvmsg(2), Winsock WSASendMsg/WSARecvMsg.
const assert = require('node:assert/strict');
const { Socket, backend, constants, SocketStateError } = require('..');
const { useSockets } = require('./support/sockets');
const { itExceptUnderWine } = require('./support/wine');

const posixIt = backend === 'posix' ? it : (title) => it(`${title} (skipped on Winsock: SCM_RIGHTS is POSIX only)`);
const linuxIt = constants.SO_TIMESTAMPNS !== undefined ? it : (title) => it(`${title} (skipped: SO_TIMESTAMPNS is Linux only)`);

describe('sendMsg and recvMsg', () => {
  const { make, track, datagram } = useSockets();

  function wildcard(family = 'inet') {
    return make({ family, type: 'dgram' }).bind({ address: family === 'inet' ? '0.0.0.0' : '::', port: 0 });
  }

  it('reports the destination address of a datagram received on a socket bound to the wildcard (IP_PKTINFO)', async () => {
    const receiver = wildcard();
    receiver.setOption('IP_PKTINFO', true);
    const sender = datagram();
    const { port } = receiver.localAddress();
    const arriving = receiver.recvMsg();
    await sender.sendMsg('where to?', { address: { address: '127.0.0.1', port } });
    const message = await arriving;
    const info = message.control.find((item) => item.kind === 'packetInfo');
    assert.ok(info, `no packetInfo among ${message.control.map((item) => item.kind)}`);
    assert.equal(info.address, '127.0.0.1');
    assert.ok(info.interfaceIndex > 0);
    assert.equal(info.level, constants.IPPROTO_IP);
    assert.equal(info.type, constants.IP_PKTINFO);
    assert.equal(message.data.toString(), 'where to?');
    assert.deepEqual(message.address, sender.localAddress());
  });

  itExceptUnderWine("Wine's WSASendMsg sends without the control data, so the stack picks the source",
    'answers from the address a datagram was sent to, on a socket bound to the wildcard (IP_PKTINFO on send)', async () => {
    const server = wildcard();
    server.setOption('IP_PKTINFO', true);
    const client = make({ type: 'dgram' }).bind({ address: '127.0.0.1', port: 0 });
    const { port } = server.localAddress();
    const asked = server.recvMsg();
    await client.sendTo('from whom?', { address: '127.0.0.2', port });
    const { address, control } = await asked;
    const to = control.find((item) => item.kind === 'packetInfo');
    assert.equal(to.address, '127.0.0.2');
    const answered = client.recvFrom();
    await server.sendMsg('from here', { address, control: [{ packetInfo: { address: to.address } }] });
    assert.deepEqual((await answered).address, { family: 'inet', address: '127.0.0.2', port });
  });

  it('refuses a packetInfo that is not an IP address with a coded error', async () => {
    const socket = datagram();
    await assert.rejects(socket.sendMsg('x', { address: socket.localAddress(), control: [{ packetInfo: { address: 'here' } }] }),
      { code: 'ERR_INVALID_ARG_VALUE' });
  });

  it('reports the destination address of an IPv6 datagram (IPV6_PKTINFO)', async () => {
    const receiver = wildcard('inet6');
    receiver.setOption('IPV6_RECVPKTINFO', true);
    const sender = datagram('inet6');
    const { port } = receiver.localAddress();
    const arriving = receiver.recvMsg();
    await sender.sendMsg('six', { address: { address: '::1', port } });
    const info = (await arriving).control.find((item) => item.kind === 'packetInfo');
    assert.ok(info);
    assert.equal(info.address, '::1');
  });

  it('reports no control data when no option asked for it', async () => {
    const receiver = datagram();
    const sender = datagram();
    const arriving = receiver.recvMsg();
    await sender.sendMsg('plain', { address: receiver.localAddress() });
    assert.deepEqual((await arriving).control, []);
  });

  it("reports the datagram's TTL and TOS when IP_RECVTTL and IP_RECVTOS are on", async () => {
    const receiver = datagram();
    receiver.setOption('IP_RECVTTL', true);
    receiver.setOption('IP_RECVTOS', true);
    const sender = datagram();
    sender.setOption('IP_TTL', 33);
    const arriving = receiver.recvMsg();
    await sender.sendMsg('hops', { address: receiver.localAddress() });
    const { control } = await arriving;
    assert.equal(control.find((item) => item.kind === 'ttl')?.value, 33);
    assert.equal(typeof control.find((item) => item.kind === 'tos')?.value, 'number');
  });

  linuxIt('reports when the datagram arrived (SO_TIMESTAMPNS)', async () => {
    const receiver = datagram();
    receiver.setOption('SO_TIMESTAMPNS', true);
    const sender = datagram();
    const before = Math.floor(Date.now() / 1000);
    const arriving = receiver.recvMsg();
    await sender.sendMsg('when', { address: receiver.localAddress() });
    const stamp = (await arriving).control.find((item) => item.kind === 'timestamp');
    assert.ok(stamp.seconds >= before - 1 && stamp.seconds <= Math.ceil(Date.now() / 1000));
    assert.ok(stamp.nanoseconds >= 0 && stamp.nanoseconds < 1e9);
  });

  it('gathers the buffers of a send into one datagram and scatters a receive at the sizes asked', async () => {
    const receiver = datagram();
    const sender = datagram();
    const arriving = receiver.recvMsg([3, 2, 10]);
    const sent = await sender.sendMsg([Buffer.from('abc'), 'de', Buffer.from('fgh')], { address: receiver.localAddress() });
    assert.equal(sent, 8);
    const message = await arriving;
    assert.deepEqual(message.buffers.map(String), ['abc', 'de', 'fgh']);
    assert.equal(message.truncated, false);
  });

  it('says a datagram longer than the buffers was truncated (MSG_TRUNC)', async () => {
    const receiver = datagram();
    const sender = datagram();
    const arriving = receiver.recvMsg(4);
    await sender.sendMsg('longer than four', { address: receiver.localAddress() });
    const message = await arriving;
    assert.equal(message.truncated, true);
    assert.equal(message.data.toString(), 'long');
  });

  it('says control data that did not fit was truncated (MSG_CTRUNC)', async () => {
    const receiver = datagram();
    receiver.setOption('IP_PKTINFO', true);
    const sender = datagram();
    const arriving = receiver.recvMsg(100, { controlSize: 4 });
    await sender.sendMsg('tight', { address: receiver.localAddress() });
    const message = await arriving;
    assert.equal(message.controlTruncated, true);
    assert.equal(message.control.filter((item) => item.kind === 'packetInfo').length, 0);
  });

  it('sends on a connected datagram socket without an address', async () => {
    const receiver = datagram();
    const sender = datagram();
    await sender.connect(receiver.localAddress());
    const arriving = receiver.recvMsg();
    await sender.sendMsg('connected');
    assert.equal((await arriving).data.toString(), 'connected');
  });

  posixIt('passes a socket to the peer with SCM_RIGHTS, which adopts it once', async () => {
    const [left, right] = Socket.pair().map(track);
    const [passed, kept] = Socket.pair().map(track);
    await left.sendMsg('take this', { control: [{ rights: [passed] }] });
    const message = await right.recvMsg(100);
    assert.equal(message.data.toString(), 'take this');
    const [rights] = message.control;
    assert.equal(rights.kind, 'rights');
    assert.equal(rights.handles.length, 1);
    const adopted = track(Socket.adopt({ transfer: rights.handles[0], family: 'unix', type: 'stream', state: 'connected' }));
    passed.close();  // the sender's copy: the received one is a socket of its own
    await adopted.send('through the passed socket');
    assert.equal(String(await kept.recv()), 'through the passed socket');
    assert.throws(() => Socket.adopt({ transfer: rights.handles[0], family: 'unix', type: 'stream', state: 'connected' }),
      { code: 'ERR_SOCKET_HANDLE_USED' });
  });

  it('rejects bad control messages with a coded error before any call', async () => {
    const socket = datagram();
    await assert.rejects(socket.sendMsg('x', { control: 'nope' }), { code: 'ERR_INVALID_ARG_TYPE' });
    await assert.rejects(socket.sendMsg('x', { control: [{ level: 0, type: 1 }] }), { code: 'ERR_INVALID_ARG_TYPE' });
    await assert.rejects(socket.recvMsg(10, { controlSize: -1 }), { code: 'ERR_OUT_OF_RANGE' });
    await assert.rejects(socket.recvMsg([]), { code: 'ERR_INVALID_ARG_VALUE' });
  });

  it('rejects recvMsg on a stream socket that is not connected, as the state machine says', async () => {
    const socket = make();
    await assert.rejects(socket.recvMsg(), SocketStateError);
    await assert.rejects(socket.sendMsg('x'), SocketStateError);
  });

  it('rejects a pending recvMsg with ERR_SOCKET_CLOSED when the socket closes', async () => {
    const socket = datagram();
    const pending = socket.recvMsg();
    socket.close();
    await assert.rejects(pending, { code: 'ERR_SOCKET_CLOSED' });
  });
});

describe('Socket.pair', () => {
  const { track } = useSockets();

  it('makes two connected sockets that talk both ways', async () => {
    const [first, second] = Socket.pair().map(track);
    assert.equal(first.state, 'connected');
    assert.equal(second.state, 'connected');
    await first.send('ping');
    assert.equal(String(await second.recv()), 'ping');
    await second.send('pong');
    assert.equal(String(await first.recv()), 'pong');
  });

  it('gives EOF to one side when the other ends', async () => {
    const [first, second] = Socket.pair().map(track);
    await first.end('last');
    assert.equal(String(await second.recv()), 'last');
    assert.equal((await second.recv()).length, 0);
  });

  if (backend === 'winsock') {
    it('makes an inet pair on loopback, as Python does on Windows', async () => {
      const [first, second] = Socket.pair().map(track);
      assert.equal(first.family, 'inet');
      assert.equal(first.remoteAddress().address, '127.0.0.1');
      assert.deepEqual(first.localAddress(), second.remoteAddress());
    });
  } else {
    it('fails an inet pair as socketpair(2) does (only Unix sockets pair)', () => {
      assert.throws(() => Socket.pair({ family: 'inet' }), (error) => error.syscall === 'socketpair' && /^E(OPNOTSUPP|NOTSUP|AFNOSUPPORT)$/.test(error.code));
    });
  }

  it('throws a coded error for a bad family', () => {
    assert.throws(() => Socket.pair({ family: 'ipx' }), { code: 'ERR_INVALID_ARG_VALUE' });
  });
});
