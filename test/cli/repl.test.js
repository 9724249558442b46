'use strict';
// `winsock repl` in a real terminal: tmux runs it, the test types with
// send-keys and reads the screen with capture-pane, while a socket of the
// test's own is the peer. Through connect (refused, then accepted), send,
// oob both ways, data arriving, recv, Tab completion, shutdown, EOF, close,
// an error on a closed socket, and the history.
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { backend } = require('../..');
const { hasCommand } = require('../interop/runtimes');
const { useSockets } = require('../support/sockets');
const { CLI, ROOT } = require('./support');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function skipReason() {
  if (backend !== 'posix') return 'tmux drives a Linux terminal, and node.exe under Wine cannot start Linux programs';
  if (!hasCommand('tmux')) return 'tmux is not installed (.ci/run installs it with apt-get)';
  return null;
}

/**
 * A tmux session running `command`, on a tmux server of its own (-L) so that
 * nobody else's sessions are touched; its screen, typing into it, waiting
 * for text on it.
 */
function terminal(name, command) {
  const tmux = (...args) => execFileSync('tmux', ['-L', name, ...args], { encoding: 'utf8' });
  // remain-on-exit in the same call: the screen stays readable after the command ends.
  tmux('new-session', '-d', '-s', name, '-x', '220', '-y', '50', command, ';', 'set-option', '-t', name, 'remain-on-exit', 'on');
  const socketPath = tmux('display-message', '-p', '-t', name, '#{socket_path}').trim();
  const screen = () => tmux('capture-pane', '-p', '-J', '-S', '-500', '-t', name);
  return {
    screen,
    /** Types `text` (keys as they are), then Enter unless `enter` is false. */
    type(text, { enter = true } = {}) {
      if (text !== '') tmux('send-keys', '-t', name, '-l', text);
      if (enter) tmux('send-keys', '-t', name, 'Enter');
    },
    keys: (...keys) => tmux('send-keys', '-t', name, ...keys),
    /** Waits until the screen shows `pattern` `count` times (the test's timeout bounds the wait). */
    async until(pattern, count = 1) {
      const global = new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`);
      for (;;) {
        const text = screen();
        if ((text.match(global) ?? []).length >= count) return text;
        await sleep(50);
      }
    },
    dead: () => tmux('display-message', '-p', '-t', name, '#{pane_dead}').trim() === '1',
    kill() {
      try {
        tmux('kill-server');
      } catch { /* already gone */ }
      fs.rmSync(socketPath, { force: true });
    },
  };
}

describe('winsock repl, in a terminal (tmux)', function () {
  this.timeout(60000);
  const reason = skipReason();
  if (reason !== null) {
    it(`goes through connect, send, oob, recv, shutdown and close (skipped: ${reason})`);
    return;
  }
  const { make, track } = useSockets();
  let session;
  let dir;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'winsock-repl-')); });
  afterEach(function () {
    // A failing test shows what the terminal showed.
    if (this.currentTest.state === 'failed' && session !== undefined) {
      try {
        process.stdout.write(`the terminal showed:\n${session.screen()}\n`);
      } catch { /* the session is gone */ }
    }
    session?.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('goes through connect, send, oob, recv, shutdown and close, each call and state change on the screen', async () => {
    const history = path.join(dir, 'history');
    const server = make().bind({ address: '127.0.0.1', port: 0 }).listen();
    const { port } = server.localAddress();
    const refused = make().bind({ address: '127.0.0.1', port: 0 }).localAddress().port;
    session = terminal(`winsock-repl-${process.pid}`,
      `cd ${ROOT} && WINSOCK_REPL_HISTORY=${history} ${process.execPath} ${CLI} repl`);
    await session.until(/^winsock> $/m);

    // A refused connect: the error with its code and errno, and the state it leaves.
    session.type(`connect 127.0.0.1:${refused}`);
    await session.until(new RegExp(`connect\\(127\\.0\\.0\\.1:${refused}\\) !! ECONNREFUSED errno 111`));
    await session.until(/state: connecting => closed/);

    session.type(`connect 127.0.0.1:${port}`);
    const peer = track(await server.accept());
    await session.until(new RegExp(`connect\\(127\\.0\\.0\\.1:${port}\\) -> ok`));
    await session.until(/state: connecting => connected/);

    session.type('send hello');
    await session.until(/send\("hello", 0\) -> 5/);
    assert.equal((await peer.recv(10)).toString(), 'hello');

    // What arrives is shown as it comes, before any recv.
    await peer.send('world');
    await session.until(/<< 5 bytes arrived: "world"/);

    const urgent = new Promise((resolve) => peer.on('urgent', resolve));
    session.type('oob !');
    await session.until(/send\("!", MSG_OOB\) -> 1/);
    assert.equal((await urgent).toString(), '!');

    await peer.send('?', { oob: true });
    await session.until(/<< urgent byte "\?" \(recv 1 oob reads it\)/);

    session.type('recv');
    await session.until(/recv\(65536, 0\) -> 5 "world"/);
    session.type('recv 1 oob');
    await session.until(/= 1 "\?"/);

    // Tab completes an option's name.
    session.type('getopt SO_LIN', { enter: false });
    session.keys('Tab');
    await session.until(/winsock> getopt SO_LINGER/);
    session.keys('Enter');
    await session.until(/getsockopt\(SOL_SOCKET, SO_LINGER, \d+\) -> /);
    await session.until(/= \{"enabled":false,"seconds":0\}/);

    session.type('shutdown send');
    await session.until(/shutdown\((SHUT_WR|SD_SEND)\) -> ok/);
    assert.equal((await peer.recv(10)).length, 0, 'the peer reads EOF');

    await peer.send('bye');
    peer.shutdown('send');
    await session.until(/<< 3 bytes arrived: "bye"/);
    session.type('recv');
    await session.until(/recv\(65536, 0\) -> 3 "bye"/);
    await session.until(/<< EOF: the peer has shut down its sending side/);

    session.type('close');
    await session.until(/close\(\) -> ok/);
    await session.until(/state: connected => closed/);
    session.type('recv');
    await session.until(/!! ERR_SOCKET_STATE \(cannot recv\(\) a socket in state 'closed'; it is closed\)/);

    // Up brings back the last command.
    session.keys('Up');
    await session.until(/winsock> recv$/m, 4);
    session.keys('C-u');
    session.type('quit');
    while (!session.dead()) await sleep(50);
    const kept = fs.readFileSync(history, 'utf8').split('\n');
    for (const command of ['send hello', 'oob !', 'shutdown send', 'close', 'getopt SO_LINGER']) {
      assert.ok(kept.includes(command), `the history lacks ${command}: ${kept.join(' | ')}`);
    }
  });
});
