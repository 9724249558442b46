'use strict';
// Every code the error table of docs/sockets.md lists, produced for real and checked
// for its class and code; and the table lists every code this test knows.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const {
  Socket, SocketError, SocketStateError, AbortError, UsageError, IdleReaper, createServer, codec,
} = require('../..');
const { useSockets } = require('../support/sockets');
const { optionsWithout } = require('../support/options-without');

const ROOT = path.join(__dirname, '..', '..');
const CLASSES = { SocketError, SocketStateError, AbortError, UsageError, TypeError, RangeError, CodecError: codec.CodecError };

/** The rows of the error table (docs/sockets.md, "Errors"): [code, class name]. */
function tableCodes() {
  const page = fs.readFileSync(path.join(ROOT, 'docs', 'sockets.md'), 'utf8');
  const section = page.slice(page.indexOf('\n## Errors\n'), page.indexOf('\n## The lifecycle\n'));
  return [...section.matchAll(/^\| `([A-Z_0-9]+)`[^|]*\| `(\w+)` \|/gm)].map(([, code, cls]) => [code, cls]);
}

/** Calls `make`, and returns what it threw or the Promise it returned rejected with. */
async function failureOf(make) {
  try {
    await make();
  } catch (error) {
    return error;
  }
  assert.fail('it did not fail');
}


describe('every error code docs/sockets.md lists', () => {
  const { make, pair } = useSockets();
  const closedPort = () => make().bind({ address: '127.0.0.1', port: 0 }).localAddress().port;
  const frame = (length, typeId) => Buffer.from([0, 0, 0, length, 0, typeId, ...Buffer.alloc(length)]);

  const PRODUCERS = {
    ECONNREFUSED: () => make().connect({ address: '127.0.0.1', port: closedPort() }),
    ERR_SOCKET_CLOSED: async () => {
      const [, server] = await pair();
      const pending = server.recv();
      server.close();
      return pending;
    },
    ERR_SOCKET_IDLE_TIMEOUT: async () => {
      const [, server] = await pair();
      const reaper = new IdleReaper({ timeout: 20 });
      reaper.add(server);
      try {
        return await server.recv();
      } finally {
        reaper.close();
      }
    },
    ERR_SOCKET_STATE: () => make().listen(),
    ABORT_ERR: async () => {
      const [, server] = await pair();
      return server.recv(1, { signal: AbortSignal.abort() });
    },
    ERR_INVALID_ARG_TYPE: () => make().bind(42),
    ERR_INVALID_ARG_VALUE: () => new Socket({ family: 'appletalk' }),
    ERR_OUT_OF_RANGE: () => make().bind({ address: '127.0.0.1', port: 0 }).listen(1.5),
    ERR_INVALID_IP_ADDRESS: () => make().bind({ address: 'nope', port: 0 }),
    ERR_UNKNOWN_OPTION: () => make().getOption('SO_NOTHING'),
    ERR_SOCKET_READING: async () => {
      const [, server] = await pair();
      server.startReading(() => {});
      return server.recv();
    },
    ERR_SOCKET_HANDLE_USED: async () => {
      const [, server] = await pair();
      const handle = server.detach();
      Socket.adopt(handle).close();
      return Socket.adopt(handle);
    },
    ERR_SOCKET_READ_BUFFER: async () => {
      const [client, server] = await pair();
      const buffer = new Uint8Array(16);
      const ended = new Promise((resolve) => server.startReading(() => {}, resolve, { buffer }));
      structuredClone(buffer.buffer, { transfer: [buffer.buffer] });
      await client.send(Buffer.from('x'));
      throw await ended;
    },
    ERR_FEATURE_UNAVAILABLE_ON_PLATFORM: () => optionsWithout('IPPROTO_TCP').setOption({ setsockopt() {} }, 'TCP_NODELAY', true),
    ERR_SERVER_ALREADY_LISTEN: async () => {
      const server = createServer({ address: '127.0.0.1', port: 0 }, () => {});
      await server.listen();
      try {
        return await server.listen();
      } finally {
        await server.close();
      }
    },
    ERR_SERVER_NOT_RUNNING: () => {
      const server = createServer({ address: '127.0.0.1', port: 0, workers: 1, workerScript: path.join(ROOT, 'test', 'fixtures', 'echo-thread-id.js') });
      const listening = server.listen();
      server.close();
      return listening;
    },
    ERR_WORKER_INIT_FAILED: () => {
      const server = createServer({ address: '127.0.0.1', port: 0, workers: 1, workerScript: path.join(ROOT, 'test', 'fixtures', 'exit-at-load.js') });
      return server.listen().finally(() => server.close());
    },
    ERR_REAPER_CLOSED: () => {
      const reaper = new IdleReaper({ timeout: 1000 });
      reaper.close();
      reaper.add(make());
    },
    ERR_CODEC_RANGE: () => codec.pack('>B', 300),
    ERR_CODEC_SHORT: () => codec.unpack('>I', Buffer.alloc(2)),
    ERR_CODEC_FORMAT: () => codec.calcsize('>Z'),
    ERR_UNKNOWN_TYPE: () => new codec.MessageRegistry().decode(frame(1, 9)),
    ERR_DUPLICATE_TYPE: () => new codec.MessageRegistry().register(1, codec.record({ x: 'uint8' })).register(1, codec.record({ x: 'uint8' })),
    ERR_FRAME_TOO_LARGE: () => new codec.FrameDecoder({ maxFrameSize: 1 }).push(frame(5, 1)),
  };

  it('lists every code this test produces, and no other', () => {
    assert.deepEqual(tableCodes().map(([code]) => code).sort(), Object.keys(PRODUCERS).sort());
  });

  for (const [code, className] of tableCodes()) {
    it(`produces ${code} as a ${className}`, async function () {
      this.timeout(20000);
      const error = await failureOf(PRODUCERS[code]);
      assert.ok(error instanceof CLASSES[className], `${code} came as ${error?.constructor?.name}: ${error?.message}`);
      assert.equal(error.code, code);
    });
  }
});
