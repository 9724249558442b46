'use strict';
// The examples a reader runs first run to the end, on every backend:
// examples/urgent.js, and the echo server of docs/servers.md (taken from
// the page as it is written), which keeps serving while clients reset under it.
const assert = require('node:assert/strict');
const { execFile, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Socket } = require('..');
const { useSockets } = require('./support/sockets');

const ROOT = path.join(__dirname, '..');

/** The js code block of docs/`page` that contains `marker`. */
function docsBlock(page, marker) {
  const text = fs.readFileSync(path.join(ROOT, 'docs', page), 'utf8');
  const block = text.split('```js\n').slice(1).map((part) => part.split('```')[0]).find((code) => code.includes(marker));
  assert.ok(block, `docs/${page} has no js block with ${marker}`);
  return block;
}

describe('the examples', () => {
  const { make } = useSockets();

  it('run examples/urgent.js to its end: the urgent byte, the stream split at the mark', async function () {
    this.timeout(60000);
    const stdout = await new Promise((resolve, reject) => {
      execFile(process.execPath, [path.join(ROOT, 'examples', 'urgent.js')], { timeout: 30000 },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)));
    });
    assert.deepEqual(stdout.trim().split(/\r?\n/), ['urgent: X', 'stream: abc | def', 'kept for recv({ oob }): X']);
  });

  it('run examples/child-per-connection.js: a child process per connection, each serving its socket', async function () {
    this.timeout(60000);
    // Standard output is a file: node.exe under Wine cannot write to a pipe.
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'winsock-')), 'out.txt');
    const fd = fs.openSync(out, 'w');
    const child = spawn(process.execPath, [path.join(ROOT, 'examples', 'child-per-connection.js'), '--clients', '3'],
      { stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    const [code] = await new Promise((resolve) => child.on('exit', (...end) => resolve(end)));
    const lines = fs.readFileSync(out, 'utf8').trim().split(/\r?\n/);
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
    assert.equal(code, 0, lines.join('\n'));
    const parent = Number(lines[0].match(/^parent (\d+) listens/)[1]);
    const served = lines.slice(1).map((line) => line.match(/^child (\d+) serves .*: HELLO FROM CLIENT (\d)$/));
    assert.equal(served.length, 3, lines.join('\n'));
    const pids = served.map((match) => Number(match[1]));
    assert.equal(new Set(pids).size, 3, 'a child of its own for each connection');
    assert.ok(!pids.includes(parent));
    assert.deepEqual(served.map((match) => match[2]), ['0', '1', '2']);
  });

  it('run the echo server of docs/servers.md, which serves on after 20 clients reset', async function () {
    this.timeout(60000);
    // Inside the package, so that `import 'winsock'` resolves to it.
    const file = path.join(ROOT, 'test', '.docs-echo-server.mjs');
    fs.writeFileSync(file, docsBlock('servers.md', 'echo server on'));
    const child = spawn(process.execPath, [file]);
    try {
      let output = '';
      child.stdout.on('data', (data) => { output += data; });
      child.stderr.on('data', (data) => { output += data; });
      const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
      const port = await new Promise((resolve, reject) => {
        const look = () => {
          const match = output.match(/echo server on 127\.0\.0\.1:(\d+)/);
          if (match) resolve(Number(match[1]));
        };
        child.stdout.on('data', look);
        exited.then((code) => reject(new Error(`the server exited (${code}): ${output}`)));
      });
      for (let i = 0; i < 20; i++) {
        const client = new Socket();
        await client.connect({ address: '127.0.0.1', port });
        client.setOption('SO_LINGER', { enabled: true, seconds: 0 });
        client.close();
      }
      const client = make();
      await client.connect({ address: '127.0.0.1', port });
      await client.send('still here');
      assert.equal((await client.recv()).toString(), 'still here');
      assert.equal(child.exitCode, null, `the server died: ${output}`);
    } finally {
      child.kill();
      fs.rmSync(file, { force: true });
    }
  });
});
