'use strict';
// The `winsock` command against a peer nobody here wrote: Python's socket
// module, on Linux, with the command run by the Linux node and by the
// Windows node.exe under Wine. 1 MiB each way, each end half-closing when
// it has sent all, the hashes compared.
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const path = require('node:path');
const { backend } = require('../..');
const { hasCommand, run } = require('../interop/runtimes');
const { RUNTIMES, startIn } = require('./runtimes');
const { sha256 } = require('./support');

const MiB = 1024 * 1024;

/** peers/netcat_peer.py with these arguments. */
const python = (args) => spawn('python3', [path.join(__dirname, 'peers', 'netcat_peer.py'), ...args.map(String)]);

describe('the winsock command and a Python peer', function () {
  this.timeout(180000);
  if (backend !== 'posix') {
    it('(skipped: these run from the Linux side, which starts node.exe under Wine and the Python peer)');
    return;
  }

  for (const runtime of RUNTIMES) {
    describe(`winsock under ${runtime.name}`, () => {
      const missing = runtime.missing() ?? (hasCommand('python3') ? null : 'python3 is not installed');
      const test = (title, body) => (missing === null ? it(title, body) : it(`${title} (skipped: ${missing})`));

      test('listen: a Python client sends 1 MiB and reads 1 MiB, both half-closing', async () => {
        const input = crypto.randomBytes(MiB);
        const listener = startIn(runtime, ['listen', '127.0.0.1:0'], input);
        const [, port] = await listener.stderrLine(/listening on 127\.0\.0\.1:(\d+)/);
        const peer = run(python(['connect', '127.0.0.1', port, MiB]), 'the Python client');
        const [served, output] = await Promise.all([listener.exited, peer.exited]);
        const report = JSON.parse(output.trim().split('\n').pop());
        assert.equal(served.code, 0, served.stderr);
        assert.equal(report.receivedBytes, MiB);
        assert.equal(report.received, sha256(input));
        assert.equal(sha256(served.stdout), report.sent);
      });

      test('connect: to a Python server, 1 MiB each way, both half-closing', async () => {
        const input = crypto.randomBytes(MiB);
        const peer = run(python(['listen', MiB]), 'the Python server');
        const [, port] = await peer.line(/^(\d+)$/m);
        const connector = startIn(runtime, ['connect', `127.0.0.1:${port}`], input);
        const [connected, output] = await Promise.all([connector.exited, peer.exited]);
        const report = JSON.parse(output.trim().split('\n').pop());
        assert.equal(connected.code, 0, connected.stderr);
        assert.equal(report.received, sha256(input));
        assert.equal(sha256(connected.stdout), report.sent);
      });
    });
  }
});
