'use strict';
// Peers nobody here wrote, across the Wine boundary: Python's socket module
// on Linux talks to the same fixture run by the Linux node and by the
// Windows node.exe under Wine, for urgent data both ways (1 and 11 urgent
// bytes, with and without continuous reading) and for clients that reset.
const assert = require('node:assert/strict');
const { backend } = require('../..');
const { RUNTIMES, run, python, hasCommand } = require('./runtimes');

const URGENT = { 1: 'X', 11: 'ABCDEFGHIJK' };

describe('a Python peer', function () {
  this.timeout(120000);
  if (backend !== 'posix') {
    it('(skipped: these run from the Linux side, which starts node.exe under Wine and the Python peers)');
    return;
  }

  for (const runtime of RUNTIMES) {
    describe(`talking to ${runtime.name}`, () => {
      const missing = runtime.missing() ?? (hasCommand('python3') ? null : 'python3 is not installed');
      const test = (title, body) => (missing === null ? it(title, body) : it(`${title} (skipped: ${missing})`));

      for (const count of [1, 11]) {
        for (const mode of ['plain', 'continuous']) {
          test(`sends ${count} urgent byte${count > 1 ? 's' : ''}, each of which 'urgent' carries, reading with ${mode === 'plain' ? 'recv()' : 'startReading()'}`, async () => {
            const receiver = run(runtime.start('urgent-receiver.js', [mode]), 'the receiver');
            const [, port] = await receiver.line(/listening (\d+)/);
            const sender = run(python('urgent_sender.py', ['127.0.0.1', port, URGENT[count]]), 'the Python sender');
            const [output] = await Promise.all([receiver.exited, sender.exited]);
            const result = JSON.parse(output.trim().split('\n').pop());
            assert.deepEqual(result, { urgent: URGENT[count], stream: `abc${'.'.repeat(count)}def` });
          });
        }

        test(`receives ${count} urgent byte${count > 1 ? 's' : ''} from it, out of band, the stream whole`, async () => {
          const receiver = run(python('urgent_receiver.py', []), 'the Python receiver');
          const [, port] = await receiver.line(/^(\d+)$/m);
          const sender = run(runtime.start('urgent-sender.js', [port, URGENT[count]]), 'the sender');
          const [output] = await Promise.all([receiver.exited, sender.exited]);
          const result = JSON.parse(output.trim().split('\n').pop());
          assert.deepEqual(result, { urgent: URGENT[count], stream: `abc${'.'.repeat(count)}def` });
        });
      }

      test('receives 8 MiB given to write() then end(), every byte (sha256 compared)', async () => {
        const receiver = run(python('hash_receiver.py', []), 'the Python receiver');
        const [, port] = await receiver.line(/^(\d+)$/m);
        const sender = run(runtime.start('write-end.js', [port]), 'the writer');
        const [received, sent] = await Promise.all([receiver.exited, sender.exited]);
        const [count, digest] = received.trim().split('\n').pop().split(' ');
        assert.equal(Number(count), 8 * 1024 * 1024);
        assert.equal(digest, sent.trim().split('\n').pop());
      });

      test('connects 20 clients that reset, then one that is served by createServer', async () => {
        const server = run(runtime.start('echo-server.js', []), 'the server');
        const [, port] = await server.line(/listening (\d+)/);
        const clients = run(python('resetting_clients.py', ['127.0.0.1', port, 20]), 'the Python clients');
        const [served, reply] = await Promise.all([server.exited, clients.exited]);
        assert.equal(reply.trim(), 'hello');
        assert.match(served, /served/);
      });
    });
  }
});
