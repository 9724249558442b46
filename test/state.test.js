'use strict';
// Walks the lifecycle table of the API contract: in every state, every call
// either does what the table says (and moves to the state it names) or throws
// a SocketStateError naming the call and the state, before any system call.
const assert = require('node:assert/strict');
const { SocketStateError } = require('..');
const { useSockets } = require('./support/sockets');

const LOOP = { address: '127.0.0.1', port: 0 };

// The contract: what each state allows, and where it leads.
const TABLE = {
  stream: {
    created: { bind: 'bound', connect: 'connecting' },
    bound: { listen: 'listening', connect: 'connecting' },
    listening: { accept: 'listening' },
    connecting: {},
    connected: { send: 'connected', recv: 'connected', shutdown: 'connected' },
    closed: {},
  },
  dgram: {
    created: { bind: 'bound', connect: 'connecting', sendTo: 'bound' },
    bound: { sendTo: 'bound', recvFrom: 'bound', send: 'bound', recv: 'bound', connect: 'connecting' },
    // A datagram connect() only sets the default peer: it never waits in 'connecting'.
    connected: { sendTo: 'connected', recvFrom: 'connected', send: 'connected', recv: 'connected', connect: 'connecting', shutdown: 'connected' },
    closed: {},
  },
};
const CALLS = ['bind', 'listen', 'accept', 'connect', 'send', 'recv', 'sendTo', 'recvFrom', 'shutdown'];
const ANYWHERE = ['setOption', 'getOption', 'localAddress', 'bytesAvailable'];

describe('the lifecycle state machine', () => {
  const { make, listener, datagram, pair, track } = useSockets();

  // A socket of `type` in `state`, and a peer address to talk to.
  async function socketIn(type, state) {
    if (type === 'stream') {
      const server = listener();
      const peer = server.localAddress();
      switch (state) {
        case 'created': return { socket: make(), peer };
        case 'bound': return { socket: make().bind(LOOP), peer };
        case 'listening': return { socket: listener(), peer };
        case 'connecting': {
          const socket = make();
          socket.connect(peer).catch(() => {});
          return { socket, peer };
        }
        case 'connected': return { socket: (await pair())[0], peer };
        case 'closed': { const socket = make(); socket.close(); return { socket, peer }; }
      }
    }
    const other = datagram();
    const peer = other.localAddress();
    switch (state) {
      case 'created': return { socket: make({ type: 'dgram' }), peer };
      case 'bound': return { socket: datagram(), peer };
      case 'connected': { const socket = datagram(); await socket.connect(peer); return { socket, peer }; }
      case 'closed': { const socket = make({ type: 'dgram' }); socket.close(); return { socket, peer }; }
    }
    throw new Error(`no such state ${state}`);
  }

  function invoke(socket, call, peer) {
    switch (call) {
      case 'bind': return socket.bind(LOOP);
      case 'listen': return socket.listen();
      case 'accept': return socket.accept();
      case 'connect': return socket.connect(peer);
      case 'send': return socket.send('x');
      case 'recv': return socket.recv();
      case 'sendTo': return socket.sendTo('x', peer);
      case 'recvFrom': return socket.recvFrom();
      case 'shutdown': return socket.shutdown('both');
      case 'setOption': return socket.setOption('SO_RCVBUF', 32768);
      case 'getOption': return socket.getOption('SO_TYPE');
      case 'localAddress': return socket.localAddress();
      case 'bytesAvailable': return socket.bytesAvailable();
    }
    throw new Error(`no such call ${call}`);
  }

  // The SocketStateError a call raised at once (thrown or as a rejection
  // in the same tick), or null.
  async function stateErrorOf(socket, call, peer) {
    let result;
    try {
      result = invoke(socket, call, peer);
    } catch (error) {
      return error instanceof SocketStateError ? error : null;
    }
    if (result && typeof result.then === 'function') {
      result.catch(() => {}); // an allowed call may fail later, or stay pending until teardown
      const early = await Promise.race([result.then(() => null, (e) => e), new Promise((r) => setImmediate(r, null))]);
      return early instanceof SocketStateError ? early : null;
    }
    return null;
  }

  for (const [type, states] of Object.entries(TABLE)) {
    for (const [state, allowed] of Object.entries(states)) {
      for (const call of CALLS) {
        if (call in allowed) {
          it(`lets a ${type} socket in state '${state}' ${call}(), moving to '${allowed[call]}'`, async () => {
            const { socket, peer } = await socketIn(type, state);
            const seen = [];
            socket.on('state', (next, previous) => seen.push([next, previous]));
            const error = await stateErrorOf(socket, call, peer);
            assert.equal(error, null, `${call}() threw ${error && error.message}`);
            assert.equal(seen.length > 0 ? seen[0][0] : socket.state, allowed[call]);
            if (seen.length > 0) assert.equal(seen[0][1], state);
          });
        } else {
          it(`refuses ${call}() on a ${type} socket in state '${state}' with ERR_SOCKET_STATE`, async () => {
            const { socket, peer } = await socketIn(type, state);
            const error = await stateErrorOf(socket, call, peer);
            assert.ok(error, `${call}() was not refused`);
            assert.equal(error.code, 'ERR_SOCKET_STATE');
            assert.equal(error.operation, call);
            assert.equal(error.state, state);
            assert.match(error.message, new RegExp(`^cannot ${call}\\(\\) a socket in state '${state}'; .+`));
            assert.equal(socket.state, state, 'a refused call changed the state');
          });
        }
      }
      for (const call of ANYWHERE) {
        const closed = state === 'closed';
        it(`${closed ? 'refuses' : 'allows'} ${call}() on a ${type} socket in state '${state}'`, async () => {
          const { socket, peer } = await socketIn(type, state);
          const error = await stateErrorOf(socket, call, peer);
          assert.equal(error !== null, closed);
        });
      }
    }
  }

  it('tells what to do in its messages', async () => {
    const socket = make();
    assert.throws(() => socket.listen(), { message: "cannot listen() a socket in state 'created'; bind() it first" });
    await assert.rejects(socket.accept(), /listen\(\) first/);
    await assert.rejects(socket.recv(), /connect\(\) it first/);
  });

  it('moves a failed connect from connecting to closed', async () => {
    const probe = listener();
    const address = probe.localAddress();
    probe.close();
    const socket = make();
    const seen = [];
    socket.on('state', (next, previous) => seen.push(`${previous}->${next}`));
    await assert.rejects(socket.connect(address), { code: 'ECONNREFUSED' });
    assert.deepEqual(seen, ['created->connecting', 'connecting->closed']);
  });

  it('gives accepted sockets the connected state from birth', async () => {
    const server = listener();
    const client = make();
    const [accepted] = await Promise.all([server.accept(), client.connect(server.localAddress())]);
    track(accepted);
    assert.equal(accepted.state, 'connected');
    assert.equal(accepted.readable, true);
    assert.equal(accepted.writable, true);
  });

  it('clears readable and writable with shutdown but keeps the state connected', async () => {
    const [client, server] = await pair();
    client.shutdown('receive');
    assert.deepEqual([client.readable, client.writable, client.state], [false, true, 'connected']);
    server.shutdown('send');
    assert.deepEqual([server.readable, server.writable, server.state], [true, false, 'connected']);
    server.shutdown('both');
    assert.deepEqual([server.readable, server.writable], [false, false]);
  });
});
