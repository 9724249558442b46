'use strict';
// `winsock --help`, each subcommand's --help, and `winsock info`.
const assert = require('node:assert/strict');
const { backend, engine, engineFallback, underWine } = require('../..');
const { run } = require('./support');

describe('winsock --help and winsock info', function () {
  this.timeout(60000);

  it('prints the commands with --help, and each command its options, exiting 0', async () => {
    const main = await run(['--help']);
    assert.equal(main.code, 0);
    for (const command of ['listen', 'connect', 'repl', 'run', 'info']) {
      assert.match(main.stdout.toString(), new RegExp(`^  ${command} `, 'm'));
      const help = await run([command, '--help']);
      assert.equal(help.code, 0, help.stderr);
      assert.match(help.stdout.toString(), new RegExp(`^usage: winsock ${command} `));
    }
    assert.match((await run(['connect', '-h'])).stdout.toString(), /--oob-byte X/);
  });

  it('exits 2 on an unknown command, with the list of commands', async () => {
    const { code, stderr } = await run(['frobnicate']);
    assert.equal(code, 2);
    assert.match(stderr, /unknown command "frobnicate"[\s\S]*usage: winsock COMMAND/);
  });

  it('tells the backend, Wine, and which typed options this platform has', async () => {
    const { code, stdout } = await run(['info', '--json']);
    assert.equal(code, 0);
    const facts = JSON.parse(stdout.toString());
    assert.equal(facts.backend, backend);
    assert.equal(facts.underWine, underWine);
    assert.match(facts.description, backend === 'winsock' ? /^WinSock 2\./ : /BSD sockets/);
    const exclusive = facts.options.find((row) => row.name === 'SO_EXCLUSIVEADDRUSE');
    if (backend === 'posix') assert.equal(exclusive.error, 'ENOPROTOOPT');
    else assert.equal(exclusive.value, false);
    assert.deepEqual(facts.options.find((row) => row.name === 'SO_TYPE').value, 'stream');
    assert.equal(facts.constants.AF.AF_INET, 2);
    const text = (await run(['info'])).stdout.toString();
    assert.match(text, new RegExp(`^backend: +${backend} `, 'm'));
    assert.match(text, /^ {2}SO_LINGER +SOL_SOCKET +\d+ +default \{"enabled":false,"seconds":0\}$/m);
  });

  it('tells which engine waits for events', async () => {
    const facts = JSON.parse((await run(['info', '--json'])).stdout.toString());
    assert.equal(facts.engine, engine);
    assert.equal(facts.engineFallback, engineFallback);
    if (backend === 'winsock') assert.equal(engine, 'iocp');
    else if (process.platform === 'linux' && process.env.WINSOCK_BACKEND !== 'io_uring') assert.equal(engine, 'epoll');
    const text = (await run(['info'])).stdout.toString();
    assert.match(text, new RegExp(`^engine: +${engine}`, 'm'));
  });

  it('takes io_uring when WINSOCK_BACKEND=io_uring asks for it, or says why the kernel refused, on Linux', async function () {
    if (backend !== 'posix' || process.platform !== 'linux') {
      this.test.title += ` (skipped: io_uring is Linux's; this is ${backend} on ${process.platform})`;
      this.skip();
    }
    const { code, stdout } = await run(['info', '--json'], { env: { WINSOCK_BACKEND: 'io_uring' } });
    assert.equal(code, 0);
    const facts = JSON.parse(stdout.toString());
    if (facts.engine === 'io_uring') assert.equal(facts.engineFallback, '');
    else assert.deepEqual([facts.engine, /^io_uring/.test(facts.engineFallback)], ['epoll', true], facts.engineFallback);
  });
});
